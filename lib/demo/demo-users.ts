import type { Db } from "../db";
import { db as defaultDb } from "../db";

/** The demo sign-ins the seed creates; printed by `npm run up` and offered on the sign-in page. */
export const DEMO_USERS = [
  { email: "planner@capliquify.test", name: "Pat Planner", role: "PLANNER", password: "planner-demo-123" },
  { email: "admin@capliquify.test", name: "Ada Admin", role: "ADMIN", password: "admin-demo-123" },
] as const;

export interface DemoAccount {
  role: "ADMIN" | "PLANNER";
  email: string;
  password: string;
}

/**
 * The demo accounts that exist in this database, so the sign-in page only offers sign-ins that
 * the seed actually created (a deployment without demo data shows none).
 */
export async function seededDemoAccounts({ db = defaultDb() }: { db?: Db } = {}): Promise<DemoAccount[]> {
  const existing = await db.user.findMany({ where: { email: { in: DEMO_USERS.map((user) => user.email) } }, select: { email: true } });
  const emails = new Set(existing.map((user) => user.email));
  return DEMO_USERS.filter((user) => emails.has(user.email)).map(({ role, email, password }) => ({ role, email, password }));
}
