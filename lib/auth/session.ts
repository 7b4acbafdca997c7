import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import type { Role } from "../jobs/catalog";
import { authOptions } from "./options";

/** The signed-in user as pages see it. */
export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  organizationId: string;
}

/**
 * The current user for server components, or null when signed out. A session whose token lacks an
 * id, a known role or an organisation (e.g. minted before organisations existed) counts as signed out rather than as a
 * half-valid user that the API would refuse anyway.
 */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  const user = session?.user as { id?: unknown; name?: unknown; email?: unknown; role?: unknown; organizationId?: unknown } | undefined;
  if (!user || typeof user.id !== "string" || (user.role !== "ADMIN" && user.role !== "PLANNER") || typeof user.organizationId !== "string") return null;
  const email = typeof user.email === "string" ? user.email : "";
  const name = typeof user.name === "string" && user.name ? user.name : email;
  return { id: user.id, email, name, role: user.role, organizationId: user.organizationId };
}

/**
 * Pages call this with their own path so that signing in brings the user back to it. Each page
 * checks for itself because layouts are not re-rendered on client-side navigation.
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

/** Only same-site paths are followed after sign-in, so the sign-in page cannot be used as an open redirect. */
export function safeCallbackUrl(value: unknown, fallback = "/forecasts"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (value.startsWith("/signin") || value.startsWith("/api/")) return fallback;
  return value;
}
