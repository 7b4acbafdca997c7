import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { getForecast } from "../forecasts/forecast-queries";
import { getOptimization } from "../optimization/optimization-queries";
import { getProductWithHistory } from "./product-queries";

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Everything the product page shows in one answer: the product with its recent daily sales and
 * supply terms, its latest forecast (with points, for the chart), stock on hand per warehouse of
 * its organisation (latest snapshot each), open incoming orders and its latest saved policy.
 * Null when there is no such product, or it belongs to another organisation than `organizationId`.
 */
export async function getProductOverview(id: string, { days, organizationId }: { days: number; organizationId?: string }, { db = defaultDb() }: { db?: Db } = {}) {
  const product = await getProductWithHistory(id, { days, organizationId }, { db });
  if (!product) return null;
  const [terms, latestForecast, latestResult, stock, openOrders] = await Promise.all([
    db.product.findUniqueOrThrow({ where: { id }, select: { unitPrice: true, supply: true } }),
    db.forecast.findFirst({ where: { productId: id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } }),
    db.optimizationResult.findFirst({ where: { productId: id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } }),
    sqlPool(db).query<{ warehouseId: string; code: string; name: string; region: string; kind: "CENTRAL" | "REGIONAL"; capacity: number; onHand: number | null; date: string | null; unfilled: number | null }>(
      `SELECT w."id" AS "warehouseId", w."code", w."name", w."region", w."kind"::text AS "kind", w."capacity", s."onHand", s."date"::text AS "date", s."unfilled"
       FROM "Warehouse" w
       LEFT JOIN LATERAL (SELECT "onHand", "date", "unfilled" FROM "StockSnapshot" WHERE "productId" = $1 AND "warehouseId" = w."id" ORDER BY "date" DESC LIMIT 1) s ON true
       WHERE w."organizationId" = $2
       ORDER BY w."kind", w."code"`,
      [id, product.organizationId],
    ),
    db.purchaseOrder.findMany({
      where: { productId: id, status: "OPEN" },
      orderBy: [{ expectedDate: "asc" }, { reference: "asc" }],
      select: {
        id: true,
        reference: true,
        quantity: true,
        supplier: true,
        orderedDate: true,
        expectedDate: true,
        warehouse: { select: { id: true, code: true, name: true } },
        sourceWarehouse: { select: { code: true } },
      },
    }),
  ]);
  const [forecast, policy] = await Promise.all([
    latestForecast ? getForecast(latestForecast.id, {}, { db }) : null,
    latestResult ? getOptimization(latestResult.id, {}, { db }) : null,
  ]);
  const supply = terms.supply;
  return {
    ...product,
    unitPrice: Number(terms.unitPrice),
    supply: supply
      ? {
          supplier: supply.supplier,
          leadTimeDays: supply.leadTimeDays,
          leadTimeStdDays: supply.leadTimeStdDays,
          orderingCost: Number(supply.orderingCost),
          holdingCostRate: supply.holdingCostRate,
          serviceLevel: supply.serviceLevel,
        }
      : null,
    latestForecast: forecast,
    stock: stock.rows.map((row) => ({
      warehouse: { id: row.warehouseId, code: row.code, name: row.name, region: row.region, kind: row.kind, capacity: row.capacity },
      onHand: row.onHand ?? 0,
      unfilled: row.unfilled ?? 0,
      /** The snapshot's day; null when the warehouse has never held the product. */
      date: row.date,
    })),
    openOrders: openOrders.map((order) => ({
      id: order.id,
      reference: order.reference,
      quantity: order.quantity,
      warehouse: order.warehouse,
      /** A supplier's name, or the central DC a transfer comes from. */
      from: order.sourceWarehouse ? { kind: "transfer" as const, name: order.sourceWarehouse.code } : { kind: "supplier" as const, name: order.supplier },
      orderedDate: isoDay(order.orderedDate),
      expectedDate: isoDay(order.expectedDate),
    })),
    latestPolicy: policy,
  };
}
