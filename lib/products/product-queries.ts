import type { Db } from "../db";
import { db as defaultDb } from "../db";

export interface ProductSummary {
  id: string;
  sku: string;
  name: string;
  category: string;
  unitCost: number;
}

/** Products for pickers: matches SKU, name or category, case-insensitively. */
export async function searchProducts(
  { search, limit }: { search?: string; limit: number },
  { db = defaultDb() }: { db?: Db } = {},
): Promise<ProductSummary[]> {
  const term = search?.trim();
  const products = await db.product.findMany({
    where: term
      ? {
          OR: [
            { sku: { contains: term, mode: "insensitive" } },
            { name: { contains: term, mode: "insensitive" } },
            { category: { contains: term, mode: "insensitive" } },
          ],
        }
      : undefined,
    orderBy: { sku: "asc" },
    take: limit,
  });
  return products.map(({ unitCost, createdAt: _createdAt, ...product }) => ({ ...product, unitCost: Number(unitCost) }));
}

/** A product with its last `days` of daily sales, oldest first. */
export async function getProductWithHistory(id: string, days: number, { db = defaultDb() }: { db?: Db } = {}) {
  const product = await db.product.findUnique({ where: { id } });
  if (!product) return null;
  const [recent, totals] = await Promise.all([
    db.salesDaily.findMany({ where: { productId: id }, orderBy: { date: "desc" }, take: days, select: { date: true, quantity: true } }),
    db.salesDaily.aggregate({ where: { productId: id }, _count: true, _min: { date: true }, _max: { date: true } }),
  ]);
  return {
    id: product.id,
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
