import { headers } from "next/headers";
import { requireAdmin, requireUser, type SessionUser } from "@/lib/auth/session";
import { REQUESTED_PATH_HEADER } from "@/proxy";

/** The page the browser asked for (set by proxy.ts), so that signing in comes back to it. */
async function requestedPath(): Promise<string> {
  return (await headers()).get(REQUESTED_PATH_HEADER) ?? "/forecasts";
}

/** The signed-in user, or a redirect to sign-in that returns to this page. */
export async function signedInUser(): Promise<SessionUser> {
  return requireUser(await requestedPath());
}

/** Like signedInUser, and the 403 page for anyone who is not an admin. */
export async function signedInAdmin(): Promise<SessionUser> {
  return requireAdmin(await requestedPath());
}
