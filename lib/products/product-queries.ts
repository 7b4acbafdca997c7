import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";

export interface ProductSummary {
  id: string;
  organizationId: string;
  sku: string;
  name: string;
  category: string;
  unitCost: number;
}

/**
 * Products for pickers: matches SKU, name or category, case-insensitively; within one organisation
 * when `organizationId` is given (always, for a planner), across all of them otherwise.
 */
export async function searchProducts(
  { search, limit, organizationId }: { search?: string; limit: number; organizationId?: string },
  { db = defaultDb() }: { db?: Db } = {},
): Promise<ProductSummary[]> {
  const term = search?.trim();
  const products = await db.product.findMany({
    where: {
      organizationId,
      ...(term
        ? {
            OR: [
              { sku: { contains: term, mode: "insensitive" } },
              { name: { contains: term, mode: "insensitive" } },
              { category: { contains: term, mode: "insensitive" } },
            ],
          }
        : {}),
    },
    orderBy: [{ sku: "asc" }, { id: "asc" }],
    take: limit,
  });
  return products.map(({ unitCost, createdAt: _createdAt, ...product }) => ({ ...product, unitCost: Number(unitCost) }));
}

/**
 * A product with its last `days` of daily sales, oldest first; null when there is none, or when
 * `organizationId` is given and the product belongs to another organisation (the same answer, so
 * ids cannot be probed).
 */
export async function getProductWithHistory(
  id: string,
  { days, organizationId }: { days: number; organizationId?: string },
  { db = defaultDb() }: { db?: Db } = {},
) {
  const product = await db.product.findFirst({ where: { id, organizationId } });
  if (!product) return null;
  const [recent, totals] = await Promise.all([
    db.salesDaily.findMany({ where: { productId: id }, orderBy: { date: "desc" }, take: days, select: { date: true, quantity: true } }),
    db.salesDaily.aggregate({ where: { productId: id }, _count: true, _min: { date: true }, _max: { date: true } }),
  ]);
  return {
    id: product.id,
    organizationId: product.organizationId,
    sku: product.sku,
    name: product.name,
    category: product.category,
    unitCost: Number(product.unitCost),
    history: {
      days: totals._count,
      firstDate: totals._min.date?.toISOString().slice(0, 10) ?? null,
      lastDate: totals._max.date?.toISOString().slice(0, 10) ?? null,
    },
    sales: recent.reverse().map((row) => ({ date: row.date.toISOString().slice(0, 10), quantity: row.quantity })),
  };
}

/** A product's id, SKU and organisation, or null; within one organisation when `organizationId` is given. */
export async function findProduct(
  id: string,
  { organizationId }: { organizationId?: string } = {},
  { db = defaultDb() }: { db?: Db } = {},
): Promise<{ id: string; sku: string; organizationId: string } | null> {
  // Plain SQL: every forecast launch and every enqueue about a product looks one up.
  const { rows } = await sqlPool(db).query<{ id: string; sku: string; organizationId: string }>(
    `SELECT "id", "sku", "organizationId" FROM "Product" WHERE "id" = $1 AND ($2::text IS NULL OR "organizationId" = $2)`,
    [id, organizationId ?? null],
  );
  return rows[0] ?? null;
}
