import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import type { Role } from "../jobs/catalog";
import { authOptions } from "./options";
import { sessionUser } from "./principal";

/** The signed-in user as pages see it. */
export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  organizationId: string;
}

/**
 * The current user for server components, or null when signed out. The session says who it is;
 * the account is read again (cached briefly, as the API does), so pages and the API agree on role
 * and organisation and a deleted user is signed out here too.
 */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: unknown } | undefined)?.id;
  if (typeof id !== "string") return null;
  const user = await sessionUser(id);
  if (!user) return null;
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
