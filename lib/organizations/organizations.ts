import type { Db } from "../db";
import { db as defaultDb } from "../db";

export interface OrganizationRef {
  id: string;
  slug: string;
  name: string;
}

export interface OrganizationSummary extends OrganizationRef {
  createdAt: string;
  users: number;
  products: number;
}

/** An organisation by its id or its slug (what admins type in filters and URLs), or null. */
export async function findOrganization(idOrSlug: string, { db = defaultDb() }: { db?: Db } = {}): Promise<OrganizationRef | null> {
  return db.organization.findFirst({
    where: { OR: [{ id: idOrSlug }, { slug: idOrSlug.toLowerCase() }] },
    select: { id: true, slug: true, name: true },
  });
}

/** Organisations by name with how many users and products each has; `only` narrows the list to one (a planner's own). */
export async function listOrganizations({ only }: { only?: string } = {}, { db = defaultDb() }: { db?: Db } = {}): Promise<OrganizationSummary[]> {
  const rows = await db.organization.findMany({
    where: only ? { id: only } : undefined,
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, slug: true, name: true, createdAt: true, _count: { select: { users: true, products: true } } },
  });
  return rows.map(({ _count, createdAt, ...organization }) => ({
    ...organization,
    createdAt: createdAt.toISOString(),
    users: _count.users,
    products: _count.products,
  }));
}
