import type { Db } from "../db";
import { db as defaultDb } from "../db";

/**
 * The demo manufacturers the seed creates: two, so that what one organisation's planner may not
 * see of the other's can be tried out (and is tested). SKUs differ by prefix so a search by SKU
 * across organisations (an admin's) stays unambiguous.
 */
export const DEMO_ORGANIZATIONS = [
  { id: "org-northwind", slug: "northwind", name: "Northwind Components", seed: 20_260_101, skuPrefix: "" },
  { id: "org-acme", slug: "acme", name: "Acme Fabrication", seed: 20_260_202, skuPrefix: "AC-" },
] as const;

export type DemoOrganizationSlug = (typeof DEMO_ORGANIZATIONS)[number]["slug"];

/**
 * The demo sign-ins the seed creates; printed by `npm run up` and offered on the sign-in page. The
 * admin is the platform operator: a member of the first organisation who runs the queues for all.
 */
export const DEMO_USERS = [
  { email: "planner@capliquify.test", name: "Pat Planner", role: "PLANNER", password: "planner-demo-123", organization: "northwind" },
  { email: "admin@capliquify.test", name: "Ada Admin", role: "ADMIN", password: "admin-demo-123", organization: "northwind" },
  { email: "planner@acme.test", name: "Quinn Planner", role: "PLANNER", password: "acme-demo-123", organization: "acme" },
] as const satisfies readonly { email: string; name: string; role: "ADMIN" | "PLANNER"; password: string; organization: DemoOrganizationSlug }[];

export function demoOrganization(slug: DemoOrganizationSlug) {
  return DEMO_ORGANIZATIONS.find((organization) => organization.slug === slug)!;
}

export interface DemoAccount {
  role: "ADMIN" | "PLANNER";
  email: string;
  password: string;
  organization: string;
}

/**
 * The demo accounts that exist in this database, so the sign-in page only offers sign-ins that
 * the seed actually created (a deployment without demo data shows none).
 */
export async function seededDemoAccounts({ db = defaultDb() }: { db?: Db } = {}): Promise<DemoAccount[]> {
  const existing = await db.user.findMany({
    where: { email: { in: DEMO_USERS.map((user) => user.email) } },
    select: { email: true, organization: { select: { name: true } } },
  });
  const organizations = new Map(existing.map((user) => [user.email, user.organization.name]));
  return DEMO_USERS.filter((user) => organizations.has(user.email)).map(({ role, email, password }) => ({
    role,
    email,
    password,
    organization: organizations.get(email)!,
  }));
}
