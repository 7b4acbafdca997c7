import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import type { PlanWarehouse } from "../inventory/plan";
import { REORDER_HORIZON_DAYS, reorderList, type ReorderCandidate } from "../inventory/reorder-list";
import type { JobResult } from "../jobs/catalog";

/**
 * The read side of saved optimisation results (lib/optimization/optimization-store.ts writes
 * them): one result with the inputs it was computed from, the latest per product, and each
 * warehouse's latest policy against today's stock for the reorder list.
 */

type RunResult = JobResult<"optimization">;

/** A warehouse's policy, recommendation and allocation as the run saved them. */
export type SavedWarehouse = RunResult["warehouses"][number];

/** The inputs a run saved: its costs and service level, the demand it planned from, and the network it saw. */
export type SavedInputs = RunResult["inputs"] & {
  demand: { source: "forecast" | "history"; forecastId: string | null; days: number; mean: number; std: number };
  network: { warehouses: PlanWarehouse[]; lanes: { from: string; to: string; costPerUnit: number; transitDays: number }[] };
};

/** The allocation a run saved: costs, whether the fair-share rule applied, and the shipments by warehouse code. */
export type SavedAllocation = RunResult["allocation"] & {
  shipments: { from: string; to: string; quantity: number; cost: number }[];
};

/**
 * One saved result with its product and inputs, and the forecast its demand came from (with the
 * forecast run, to link to); null when there is none, or when `organizationId` is given and the
 * result is another organisation's.
 */
export async function getOptimization(id: string, { organizationId }: { organizationId?: string } = {}, { db = defaultDb() }: { db?: Db } = {}) {
  const row = await db.optimizationResult.findFirst({
    where: { id, organizationId },
    include: { product: { select: { id: true, sku: true, name: true, category: true } } },
  });
  if (!row) return null;
  const forecast = row.forecastId
    ? await db.forecast.findUnique({ where: { id: row.forecastId }, select: { id: true, jobId: true, horizon: true, createdAt: true } })
    : null;
  return {
    id: row.id,
    jobId: row.jobId,
    organizationId: row.organizationId,
    product: row.product,
    demandSource: row.demandSource as "forecast" | "history",
    forecast: forecast ? { ...forecast, createdAt: forecast.createdAt.toISOString() } : null,
    eoq: row.eoq,
    safetyStock: row.safetyStock,
    reorderPoint: row.reorderPoint,
    inputs: row.inputs as unknown as SavedInputs,
    warehouses: row.warehouses as unknown as SavedWarehouse[],
    allocation: row.allocation as unknown as SavedAllocation,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface OptimizationSummary {
  id: string;
  jobId: string;
  organizationId: string;
  product: { id: string; sku: string; name: string };
  demandSource: "forecast" | "history";
  forecastId: string | null;
  eoq: number;
  safetyStock: number;
  reorderPoint: number;
  /** Warehouses whose recommendation, when the run was made, was to order now. */
  warehousesToOrder: number;
  createdAt: string;
}

/**
 * Saved results, newest first: one product's runs when `productId` is given, else the latest run
 * of each product. Within one organisation when `organizationId` is given.
 */
export async function listOptimizations(
  { productId, limit, organizationId }: { productId?: string; limit: number; organizationId?: string },
  { db = defaultDb() }: { db?: Db } = {},
): Promise<OptimizationSummary[]> {
  // Timestamps are stored as UTC without a zone; AT TIME ZONE 'UTC' hands pg an instant, whatever the process's zone.
  // A product's own runs, or each product's newest (DISTINCT ON, off the (productId, createdAt) index).
  const chosen = productId
    ? { sql: `SELECT * FROM "OptimizationResult" WHERE "productId" = $2 AND ($1::text IS NULL OR "organizationId" = $1)`, params: [productId] }
    : { sql: `SELECT DISTINCT ON ("productId") * FROM "OptimizationResult" WHERE ($1::text IS NULL OR "organizationId" = $1) ORDER BY "productId", "createdAt" DESC, "id" DESC`, params: [] };
  const { rows } = await sqlPool(db).query(
    `WITH chosen AS (SELECT * FROM (${chosen.sql}) c ORDER BY c."createdAt" DESC, c."id" DESC LIMIT $${chosen.params.length + 2})
     SELECT c."id", c."jobId", c."organizationId", c."demandSource", c."forecastId", c."eoq", c."safetyStock", c."reorderPoint",
            c."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
            p."id" AS "productId", p."sku", p."name",
            (SELECT count(*)::int FROM jsonb_array_elements(c."warehouses") w WHERE (w->'recommendation'->>'orderNow')::boolean) AS "warehousesToOrder"
     FROM chosen c JOIN "Product" p ON p."id" = c."productId"
     ORDER BY c."createdAt" DESC, c."id" DESC`,
    [organizationId ?? null, ...chosen.params, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    jobId: row.jobId,
    organizationId: row.organizationId,
    product: { id: row.productId, sku: row.sku, name: row.name },
    demandSource: row.demandSource,
    forecastId: row.forecastId,
    eoq: row.eoq,
    safetyStock: row.safetyStock,
    reorderPoint: row.reorderPoint,
    warehousesToOrder: row.warehousesToOrder,
    createdAt: (row.createdAt as Date).toISOString(),
  }));
}

/** Which candidates to read: one organisation's (every one's when left out), narrowed by the filters given. */
export interface CandidateFilters {
  organizationId?: string;
  category?: string;
  productId?: string;
  warehouseId?: string;
  /** This saved result's warehouses instead of each product's latest result. */
  optimizationId?: string;
}

/**
 * Every warehouse of each product's latest saved result (or of the one named), with that
 * warehouse's stock today: on hand from its latest snapshot and the sum of its open purchase
 * orders and transfers (the same figures an optimisation run reads). Warehouses deleted since the
 * run are left out. Ordered by SKU and warehouse code. The reorder list reads it whole; an export
 * streams it through a cursor, a row (`toReorderCandidate`) at a time.
 */
export function reorderCandidatesQuery(filters: CandidateFilters): { text: string; values: unknown[] } {
  return {
    text: `WITH latest AS (
       SELECT DISTINCT ON (r."productId") r."id", r."productId", r."warehouses", r."createdAt"
       FROM "OptimizationResult" r
       WHERE ($1::text IS NULL OR r."organizationId" = $1) AND ($3::text IS NULL OR r."productId" = $3) AND ($5::text IS NULL OR r."id" = $5)
       ORDER BY r."productId", r."createdAt" DESC, r."id" DESC
     ),
     planned AS (
       SELECT l."id" AS "resultId", l."productId", l."createdAt", w AS detail
       FROM latest l CROSS JOIN LATERAL jsonb_array_elements(l."warehouses") w
     )
     SELECT pl."resultId", pl."createdAt" AT TIME ZONE 'UTC' AS "createdAt", pl.detail->>'suppliedFrom' AS "suppliedFrom",
            (pl.detail->'policy'->>'reorderPoint')::float8 AS "reorderPoint", (pl.detail->'policy'->>'eoq')::float8 AS "eoq",
            (pl.detail->'policy'->>'dailyDemand')::float8 AS "dailyDemand",
            p."id" AS "productId", p."sku", p."name", p."category",
            w."id" AS "warehouseId", w."code", w."name" AS "warehouseName", w."kind"::text AS "kind",
            COALESCE((SELECT s."onHand" FROM "StockSnapshot" s WHERE s."productId" = p."id" AND s."warehouseId" = w."id" ORDER BY s."date" DESC LIMIT 1), 0) AS "onHand",
            COALESCE((SELECT sum(o."quantity") FROM "PurchaseOrder" o WHERE o."productId" = p."id" AND o."warehouseId" = w."id" AND o."status" = 'OPEN'), 0)::int AS "onOrder"
     FROM planned pl
     JOIN "Product" p ON p."id" = pl."productId"
     JOIN "Warehouse" w ON w."id" = pl.detail->>'warehouseId'
     WHERE ($2::text IS NULL OR p."category" = $2) AND ($4::text IS NULL OR w."id" = $4)
     ORDER BY p."sku", w."code"`,
    values: [filters.organizationId ?? null, filters.category ?? null, filters.productId ?? null, filters.warehouseId ?? null, filters.optimizationId ?? null],
  };
}

/** A row of `reorderCandidatesQuery` as the reorder list takes it. */
export function toReorderCandidate(row: Record<string, unknown>): ReorderCandidate {
  return {
    product: { id: row.productId as string, sku: row.sku as string, name: row.name as string, category: row.category as string },
    warehouse: { id: row.warehouseId as string, code: row.code as string, name: row.warehouseName as string, kind: row.kind as ReorderCandidate["warehouse"]["kind"] },
    suppliedFrom: row.suppliedFrom as string | null,
    resultId: row.resultId as string,
    optimizedAt: (row.createdAt as Date).toISOString(),
    policy: { reorderPoint: row.reorderPoint as number, eoq: row.eoq as number, dailyDemand: row.dailyDemand as number },
    onHand: row.onHand as number,
    onOrder: row.onOrder as number,
  };
}

export async function loadReorderCandidates(filters: CandidateFilters, { db = defaultDb() }: { db?: Db } = {}): Promise<ReorderCandidate[]> {
  const query = reorderCandidatesQuery(filters);
  const { rows } = await sqlPool(db).query(query.text, query.values);
  return rows.map(toReorderCandidate);
}

/**
 * What to order within `horizonDays` of `today` (a UTC day), most urgent first, across the
 * organisation's products (every organisation's when `organizationId` is undefined).
 */
export async function whatToOrder(
  { organizationId, today, horizonDays = REORDER_HORIZON_DAYS }: { organizationId?: string; today: Date; horizonDays?: number },
  { db = defaultDb() }: { db?: Db } = {},
) {
  const candidates = await loadReorderCandidates({ organizationId }, { db });
  return { today: today.toISOString().slice(0, 10), horizonDays, lines: reorderList(candidates, { today, horizonDays }) };
}
