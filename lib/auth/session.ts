import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import type { Role } from "../jobs/catalog";
import { sessionPrincipal } from "./principal";

/** The signed-in user as pages see it. */
export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  organizationId: string;
}

/**
 * The current user for server components, or null when signed out. The cookie is checked exactly
 * as the API checks it (lib/auth/principal.ts), so pages and the API agree on role and
 * organisation, and a deleted user or a signed-out or revoked session is signed out here too.
 */
export async function currentUser(): Promise<SessionUser | null> {
  const user = await sessionPrincipal((await headers()).get("cookie"));
  if (user === "missing" || user === "invalid") return null;
  return { id: user.id, email: user.email, name: user.name || user.email, role: user.role, organizationId: user.organizationId };
}

/**
 * Sends a signed-out visitor to sign in, coming back to `returnTo` afterwards. The signed-in
 * layouts call it (app/(app)/signed-in.ts); the browser also goes to sign-in on any 401 from the
 * API, since layouts are not re-rendered on client-side navigation.
 */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/** Like requireUser, and a 403 page for anyone who is not an admin. */
export async function requireAdmin(returnTo: string): Promise<SessionUser> {
  const user = await requireUser(returnTo);
  if (user.role !== "ADMIN") forbidden();
  return user;
}
