import type { Db } from "../db";
import { inTransaction, sqlPool } from "../db";
import type { PlanWarehouse } from "../inventory/plan";

/** Days of sales history the demand statistics use when no forecast exists. */
export const HISTORY_WINDOW_DAYS = 365;

export interface OptimizationProduct {
  id: string;
  sku: string;
  organizationId: string;
  unitCost: number;
  unitPrice: number;
  supply: { supplier: string; leadTimeDays: number; leadTimeStdDays: number; orderingCost: number; holdingCostRate: number; serviceLevel: number } | null;
}

/** A product of the organisation (any when it is null) with its supply terms; null when there is none. */
export async function loadOptimizationProduct(db: Db, productId: string, organizationId: string | null): Promise<OptimizationProduct | null> {
  const { rows } = await sqlPool(db).query(
    `SELECT p."id", p."sku", p."organizationId", p."unitCost"::float8 AS "unitCost", p."unitPrice"::float8 AS "unitPrice",
            s."supplier", s."leadTimeDays", s."leadTimeStdDays", s."orderingCost"::float8 AS "orderingCost", s."holdingCostRate", s."serviceLevel"
     FROM "Product" p LEFT JOIN "ProductSupply" s ON s."productId" = p."id"
     WHERE p."id" = $1 AND ($2::text IS NULL OR p."organizationId" = $2)`,
    [productId, organizationId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    sku: row.sku,
    organizationId: row.organizationId,
    unitCost: row.unitCost,
    unitPrice: row.unitPrice,
    supply:
      row.supplier === null
        ? null
        : { supplier: row.supplier, leadTimeDays: row.leadTimeDays, leadTimeStdDays: row.leadTimeStdDays, orderingCost: row.orderingCost, holdingCostRate: row.holdingCostRate, serviceLevel: row.serviceLevel },
  };
}

/** The product's latest forecast: its daily points and the upper bound of its prediction interval. */
export async function loadLatestForecast(db: Db, productId: string): Promise<{ id: string; values: number[]; upper: (number | null)[] } | null> {
  const { rows } = await sqlPool(db).query<{ id: string; value: number; upper: number | null }>(
    `SELECT f."id", p."value", p."upper"
     FROM (SELECT "id" FROM "Forecast" WHERE "productId" = $1 ORDER BY "createdAt" DESC, "id" DESC LIMIT 1) f
     JOIN "ForecastPoint" p ON p."forecastId" = f."id"
     ORDER BY p."date"`,
    [productId],
  );
  if (rows.length === 0) return null;
  return { id: rows[0]!.id, values: rows.map((row) => row.value), upper: rows.map((row) => row.upper) };
}

/**
 * Daily sales over the last HISTORY_WINDOW_DAYS up to the product's latest sale; a day without a
 * row counts as a day without sales. Empty when the product has never sold.
 */
export async function loadRecentSales(db: Db, productId: string): Promise<number[]> {
  const { rows } = await sqlPool(db).query<{ quantity: number }>(
    `WITH last AS (SELECT max("date") AS day FROM "SalesDaily" WHERE "productId" = $1),
          first AS (SELECT GREATEST((SELECT day FROM last) - ($2::int - 1), (SELECT min("date") FROM "SalesDaily" WHERE "productId" = $1)) AS day)
     SELECT COALESCE(s."quantity", 0) AS quantity
     FROM generate_series((SELECT day FROM first), (SELECT day FROM last), interval '1 day') AS d(day)
     LEFT JOIN "SalesDaily" s ON s."productId" = $1 AND s."date" = d.day::date
     ORDER BY d.day`,
    [productId, HISTORY_WINDOW_DAYS],
  );
  return rows.map((row) => row.quantity);
}

/**
 * How long a process reuses an organisation's stock of all products per warehouse (its latest
 * day). Summing it reads every product's snapshot of that day, which made it most of a job's
 * load time in a batch of thousands; snapshots are daily, so a minute-old total is current.
 */
const WAREHOUSE_STOCK_TTL_MS = 60_000;
const warehouseStock = new Map<string, { totals: Promise<Map<string, number>>; expires: number }>();

function stockOfAllProducts(db: Db, organizationId: string): Promise<Map<string, number>> {
  const cached = warehouseStock.get(organizationId);
  if (cached && cached.expires > Date.now()) return cached.totals;
  const totals = sqlPool(db)
    .query<{ warehouseId: string; total: number }>(
      `SELECT "warehouseId", sum("onHand")::int AS total FROM "StockSnapshot"
       WHERE "organizationId" = $1 AND "date" = (SELECT max("date") FROM "StockSnapshot" WHERE "organizationId" = $1)
       GROUP BY "warehouseId"`,
      [organizationId],
    )
    .then(({ rows }) => new Map(rows.map((row) => [row.warehouseId, row.total])));
  // A failed read is not kept: the next job asks again.
  totals.catch(() => warehouseStock.delete(organizationId));
  if (warehouseStock.size > 1_000) warehouseStock.clear();
  warehouseStock.set(organizationId, { totals, expires: Date.now() + WAREHOUSE_STOCK_TTL_MS });
  return totals;
}

/**
 * The organisation's warehouses with this product's latest stock and open incoming orders, and
 * every product's stock on the organisation's latest snapshot day (against the capacity); its lanes.
 */
export async function loadNetwork(db: Db, organizationId: string, productId: string): Promise<{ warehouses: PlanWarehouse[]; lanes: { from: string; to: string; costPerUnit: number; transitDays: number }[] }> {
  const pool = sqlPool(db);
  const [warehouses, lanes, stock] = await Promise.all([
    pool.query<Omit<PlanWarehouse, "stockAllProducts">>(
      `SELECT w."id", w."code", w."name", w."kind"::text AS "kind", w."capacity", w."demandShare",
              COALESCE((SELECT s."onHand" FROM "StockSnapshot" s WHERE s."productId" = $2 AND s."warehouseId" = w."id" ORDER BY s."date" DESC LIMIT 1), 0) AS "onHand",
              COALESCE((SELECT sum(o."quantity") FROM "PurchaseOrder" o WHERE o."productId" = $2 AND o."warehouseId" = w."id" AND o."status" = 'OPEN'), 0)::int AS "onOrder"
       FROM "Warehouse" w
       WHERE w."organizationId" = $1
       ORDER BY w."kind", w."code"`,
      [organizationId, productId],
    ),
    pool.query<{ from: string; to: string; costPerUnit: number; transitDays: number }>(
      `SELECT "fromWarehouseId" AS "from", "toWarehouseId" AS "to", "costPerUnit"::float8 AS "costPerUnit", "transitDays"
       FROM "TransportLane" WHERE "organizationId" = $1 ORDER BY "fromWarehouseId", "toWarehouseId"`,
      [organizationId],
    ),
    stockOfAllProducts(db, organizationId),
  ]);
  return { warehouses: warehouses.rows.map((warehouse) => ({ ...warehouse, stockAllProducts: stock.get(warehouse.id) ?? 0 })), lanes: lanes.rows };
}

export interface NewOptimizationResult {
  jobId: string;
  organizationId: string;
  productId: string;
  demandSource: "forecast" | "history";
  forecastId: string | null;
  eoq: number;
  safetyStock: number;
  reorderPoint: number;
  inputs: unknown;
  warehouses: unknown;
  allocation: unknown;
}

/**
 * Saves a result keyed by its job: a re-run replaces the job's earlier result. The signal is
 * checked last before COMMIT, so an attempt that timed out while saving leaves nothing behind.
 */
export async function saveOptimizationResult(db: Db, result: NewOptimizationResult, signal?: AbortSignal): Promise<string> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "OptimizationResult" ("id", "jobId", "organizationId", "productId", "demandSource", "forecastId", "eoq", "safetyStock", "reorderPoint", "inputs", "warehouses", "allocation", "createdAt")
       VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, (now() AT TIME ZONE 'UTC'))
       ON CONFLICT ("jobId") DO UPDATE SET
         "organizationId" = EXCLUDED."organizationId", "productId" = EXCLUDED."productId", "demandSource" = EXCLUDED."demandSource",
         "forecastId" = EXCLUDED."forecastId", "eoq" = EXCLUDED."eoq", "safetyStock" = EXCLUDED."safetyStock", "reorderPoint" = EXCLUDED."reorderPoint",
         "inputs" = EXCLUDED."inputs", "warehouses" = EXCLUDED."warehouses", "allocation" = EXCLUDED."allocation", "createdAt" = EXCLUDED."createdAt"
       RETURNING "id"`,
      [
        result.jobId,
        result.organizationId,
        result.productId,
        result.demandSource,
        result.forecastId,
        result.eoq,
        result.safetyStock,
        result.reorderPoint,
        JSON.stringify(result.inputs),
        JSON.stringify(result.warehouses),
        JSON.stringify(result.allocation),
      ],
    );
    signal?.throwIfAborted();
    return rows[0]!.id;
  });
}
