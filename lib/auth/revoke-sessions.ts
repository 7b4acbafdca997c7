import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { Role } from "../jobs/catalog";
import { forgetSessionUser } from "./principal";

/**
 * The longest a session cookie can stay unexpired after it was last issued (next-auth re-issues
 * it as the user browses): lib/auth/options.ts sets it as the session's maxAge.
 */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/**
 * Ends one signed-in session (sign-out): its id is refused until every cookie of it has expired.
 * This process forgets its cached answer at once; other web instances within the 10 s cache of
 * lib/auth/principal.ts.
 */
export async function revokeSession(sessionId: string, { db = defaultDb() }: { db?: Db } = {}): Promise<void> {
  const expiresAt = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  await db.$transaction([
    db.revokedSession.deleteMany({ where: { expiresAt: { lt: new Date() } } }),
    db.revokedSession.upsert({ where: { id: sessionId }, update: { expiresAt }, create: { id: sessionId, expiresAt } }),
  ]);
  forgetSessionUser({ sessionId });
}

/** What may change about an account; a new role or password ends every session signed in before. */
export interface AccountChange {
  name?: string;
  role?: Role;
  passwordHash?: string;
  organizationId?: string;
}

/**
 * The one way to change an existing account: the role or password is written together with a new
 * session version, so sessions signed in with the old ones stop working (this process at once,
 * other web instances within the 10 s cache of lib/auth/principal.ts).
 */
export async function updateAccount(userId: string, change: AccountChange, { db = defaultDb() }: { db?: Db } = {}): Promise<void> {
  const endsSessions = change.role !== undefined || change.passwordHash !== undefined;
  await db.user.update({ where: { id: userId }, data: { ...change, ...(endsSessions ? { sessionVersion: { increment: 1 } } : {}) } });
  forgetSessionUser({ userId });
}
