import { sqlPool, type Db } from "../lib/db";
import { ANALYTICS_TYPES, catalog, type AnalyticsType } from "../lib/jobs/catalog";
import { analyticsProcessor } from "../worker/processors/analytics.processor";
import type { JobContext } from "../worker/job-context";

/**
 * Part 5: every analytics report over two years of daily data for 10,000 products × 5 warehouses
 * (BENCH_ANALYTICS_PRODUCTS), generated in PostgreSQL with generate_series in an organisation of
 * its own. Each report is the real processor's run (load, aggregate in PostgreSQL, compute, save),
 * in this process; the queue's own overhead is not in the figures.
 */
export const ANALYTICS_ORGANIZATION = "bench-analytics";
const DAYS = 730;
const WAREHOUSES = [
  { id: "ba-dc-1", code: "DC-1", kind: "CENTRAL", share: 0 },
  { id: "ba-dc-2", code: "DC-2", kind: "CENTRAL", share: 0 },
  { id: "ba-r-1", code: "R-1", kind: "REGIONAL", share: 0.4 },
  { id: "ba-r-2", code: "R-2", kind: "REGIONAL", share: 0.35 },
  { id: "ba-r-3", code: "R-3", kind: "REGIONAL", share: 0.25 },
] as const;
/** Products per insert statement: bounded memory and a progress line per chunk. */
const CHUNK = 1_000;
/** One forecast per product every quarter, each 91 days with the ensemble and one model. */
const FORECAST_DAYS = 91;

export interface AnalyticsSeed {
  products: number;
  salesRows: number;
  snapshotRows: number;
  forecasts: number;
  forecastPoints: number;
  startDate: string;
  endDate: string;
  ms: number;
}

export async function seedAnalyticsScale(db: Db, products: number, progress: (message: string) => void): Promise<AnalyticsSeed> {
  const started = performance.now();
  // One session for the whole load: its settings below hold for every statement.
  const pool = await sqlPool(db).connect();
  try {
    return await seed(pool, products, progress, started);
  } finally {
    await pool.query(`RESET session_replication_role`).catch(() => {});
    pool.release();
  }
}

/** The bulk tables' indexes, dropped for the load and built once after it (in the bench's own database). */
const BULK_INDEXES = [
  { drop: `ALTER TABLE "SalesDaily" DROP CONSTRAINT IF EXISTS "SalesDaily_pkey"`, create: `ALTER TABLE "SalesDaily" ADD CONSTRAINT "SalesDaily_pkey" PRIMARY KEY ("productId", "date")` },
  { drop: `DROP INDEX IF EXISTS "SalesDaily_organizationId_date_idx"`, create: `CREATE INDEX "SalesDaily_organizationId_date_idx" ON "SalesDaily"("organizationId", "date")` },
  { drop: `ALTER TABLE "StockSnapshot" DROP CONSTRAINT IF EXISTS "StockSnapshot_pkey"`, create: `ALTER TABLE "StockSnapshot" ADD CONSTRAINT "StockSnapshot_pkey" PRIMARY KEY ("productId", "warehouseId", "date")` },
  { drop: `DROP INDEX IF EXISTS "StockSnapshot_organizationId_date_idx"`, create: `CREATE INDEX "StockSnapshot_organizationId_date_idx" ON "StockSnapshot"("organizationId", "date")` },
];

async function seed(pool: import("pg").PoolClient, products: number, progress: (message: string) => void, started: number): Promise<AnalyticsSeed> {
  const org = ANALYTICS_ORGANIZATION;
  for (const table of ["AnalyticsReport", "ForecastPoint", "ForecastModel", "Forecast", "StockSnapshot", "SalesDaily", "TransportLane", "Warehouse", "Product"]) {
    await pool.query(
      table === "ForecastPoint" || table === "ForecastModel"
        ? `DELETE FROM "${table}" WHERE "forecastId" IN (SELECT "id" FROM "Forecast" WHERE "organizationId" = $1)`
        : `DELETE FROM "${table}" WHERE "organizationId" = $1`,
      [org],
    );
  }
  await pool.query(`INSERT INTO "Organization" ("id", "slug", "name") VALUES ($1, $1, 'Bench analytics') ON CONFLICT DO NOTHING`, [org]);
  await pool.query(
    `INSERT INTO "Warehouse" ("id", "organizationId", "code", "name", "region", "kind", "capacity", "demandShare")
     SELECT w.id, $1, w.code, w.code, 'Bench', w.kind::"WarehouseKind", 100000000, w.share FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[]) AS w(id, code, kind, share)`,
    [org, WAREHOUSES.map((w) => w.id), WAREHOUSES.map((w) => w.code), WAREHOUSES.map((w) => w.kind), WAREHOUSES.map((w) => w.share)],
  );
  await pool.query(
    `INSERT INTO "TransportLane" ("organizationId", "fromWarehouseId", "toWarehouseId", "costPerUnit", "transitDays")
     VALUES ($1, 'ba-dc-1', 'ba-r-1', 0.2, 1), ($1, 'ba-dc-1', 'ba-r-2', 0.3, 2), ($1, 'ba-dc-2', 'ba-r-2', 0.5, 2), ($1, 'ba-dc-2', 'ba-r-3', 0.2, 1)`,
    [org],
  );
  // The rows are generated consistent with their keys; skipping the per-row foreign-key triggers
  // and index upkeep turns a quarter of an hour of loading into minutes.
  await pool.query(`SET session_replication_role = replica`);
  await pool.query(`SET maintenance_work_mem = '512MB'`);
  for (const index of BULK_INDEXES) await pool.query(index.drop);
  await pool.query(`SELECT setseed(0.42)`);
  await pool.query(
    `INSERT INTO "Product" ("id", "organizationId", "sku", "name", "category", "unitCost", "unitPrice")
     SELECT 'ba-' || n, $1, 'BA-' || lpad(n::text, 5, '0'), 'Bench product ' || n, 'Category ' || (n % 20), 1 + n % 50, round((1 + n % 50) * 1.4, 2)
     FROM generate_series(1, $2::int) AS n`,
    [org, products],
  );
  const end = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 86_400_000);
  const endDate = end.toISOString().slice(0, 10);
  const startDate = new Date(end.getTime() - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);

  for (let from = 1; from <= products; from += CHUNK) {
    const to = Math.min(products, from + CHUNK - 1);
    // Demand around a product's own level (1–30 a day), weekly seasonality, a day in ~15 without sales.
    await pool.query(
      `INSERT INTO "SalesDaily" ("organizationId", "productId", "date", "quantity")
       SELECT $1, 'ba-' || n, d::date, CASE WHEN random() < 0.07 THEN 0 ELSE floor((1 + n % 30) * (0.6 + 0.8 * random()) * (CASE WHEN extract(isodow FROM d) > 5 THEN 0.6 ELSE 1.1 END))::int END
       FROM generate_series($2::int, $3::int) AS n CROSS JOIN generate_series($4::date, $5::date, interval '1 day') AS d`,
      [org, from, to, startDate, endDate],
    );
    // Stock per warehouse: a saw-tooth between reorders, at zero ~3 % of regional days with some demand lost.
    await pool.query(
      `INSERT INTO "StockSnapshot" ("organizationId", "productId", "warehouseId", "date", "onHand", "unfilled")
       SELECT $1, 'ba-' || n, w.id, d::date, s.on_hand, CASE WHEN s.on_hand = 0 AND w.regional THEN 1 + floor(random() * (1 + n % 30))::int ELSE 0 END
       FROM generate_series($2::int, $3::int) AS n
       CROSS JOIN unnest($6::text[], $7::bool[]) AS w(id, regional)
       CROSS JOIN generate_series($4::date, $5::date, interval '1 day') AS d
       CROSS JOIN LATERAL (SELECT CASE WHEN w.regional AND random() < 0.03 THEN 0 ELSE ((1 + n % 30) * (40 - (d::date - $4::date) % 30) * (CASE WHEN w.regional THEN 1 ELSE 3 END))::int END AS on_hand) s`,
      [org, from, to, startDate, endDate, WAREHOUSES.map((w) => w.id), WAREHOUSES.map((w) => w.kind === "REGIONAL")],
    );
    // A forecast every quarter (starting on day 0, 91, 182, …), made the day before it starts.
    await pool.query(
      `WITH made AS (
         INSERT INTO "Forecast" ("id", "jobId", "organizationId", "productId", "horizon", "models", "historyStart", "historyEnd", "createdAt")
         SELECT 'ba-f-' || n || '-' || q, 'ba-job-' || n || '-' || q, $1, 'ba-' || n, $6, ARRAY['ma'], $4::date, $4::date + q * $6 - 1, ($4::date + q * $6)::timestamp
         FROM generate_series($2::int, $3::int) AS n CROSS JOIN generate_series(0, ($5::date - $4::date) / $6) AS q
         WHERE $4::date + q * $6 <= $5::date
         RETURNING "id", "productId", "historyEnd"
       ),
       points AS (
         INSERT INTO "ForecastPoint" ("forecastId", "date", "value")
         SELECT made."id", made."historyEnd" + i, (1 + substr(made."productId", 4)::int % 30) * (0.8 + 0.4 * random())
         FROM made CROSS JOIN generate_series(1, $6) AS i
       )
       INSERT INTO "ForecastModel" ("forecastId", "model", "method", "weight", "params", "predictions")
       SELECT made."id", 'ma', 'Moving average', 1, '{}', ARRAY(SELECT ((1 + substr(made."productId", 4)::int % 30) * (0.7 + 0.6 * random()))::float8 FROM generate_series(1, $6))
       FROM made`,
      [org, from, to, startDate, endDate, FORECAST_DAYS],
    );
    progress(`analytics data: products ${from}–${to} of ${products}`);
  }
  progress("analytics data: building the indexes");
  for (const index of BULK_INDEXES) await pool.query(index.create);
  await pool.query(`RESET session_replication_role`);
  progress("analytics data: VACUUM ANALYZE");
  for (const table of ["SalesDaily", "StockSnapshot", "Forecast", "ForecastPoint", "ForecastModel", "Product"]) await pool.query(`VACUUM ANALYZE "${table}"`);

  const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql, [org])).rows[0]!.n);
  return {
    products,
    salesRows: await count(`SELECT count(*) AS n FROM "SalesDaily" WHERE "organizationId" = $1`),
    snapshotRows: await count(`SELECT count(*) AS n FROM "StockSnapshot" WHERE "organizationId" = $1`),
    forecasts: await count(`SELECT count(*) AS n FROM "Forecast" WHERE "organizationId" = $1`),
    forecastPoints: await count(`SELECT count(*) AS n FROM "ForecastPoint" p JOIN "Forecast" f ON f."id" = p."forecastId" WHERE f."organizationId" = $1`),
    startDate,
    endDate,
    ms: performance.now() - started,
  };
}

export interface ReportTiming {
  type: AnalyticsType;
  ms: number;
  /** Per step, from the processor's own step reports. */
  steps: Record<string, number>;
  bodyBytes: number;
}

/** Runs each report once through the real processor with a context that only records step times. */
export async function timeReports(db: Db, seed: AnalyticsSeed, owner: { id: string }, types: readonly AnalyticsType[] = ANALYTICS_TYPES): Promise<ReportTiming[]> {
  const timings: ReportTiming[] = [];
  for (const type of types) {
    const data = catalog.analytics.payload.parse({ type, params: { organizationId: ANALYTICS_ORGANIZATION, startDate: seed.startDate, endDate: seed.endDate } });
    const steps: Record<string, number> = {};
    let last = performance.now();
    let current = "start";
    const context = {
      signal: new AbortController().signal,
      owner: { id: owner.id, organizationId: ANALYTICS_ORGANIZATION },
      db,
      async step(id: string) {
        const now = performance.now();
        steps[current] = now - last;
        current = id;
        last = now;
      },
      progress: async () => {},
      log: async () => {},
    } as unknown as JobContext<"analytics">;
    const started = performance.now();
    const result = await analyticsProcessor.run({ id: `bench-analytics-${type}`, name: `analytics:${type}`, data, attempt: 1, processedOn: Date.now() }, context);
    const ms = performance.now() - started;
    const { rows } = await sqlPool(db).query<{ bytes: number }>(`SELECT octet_length("body"::text) AS bytes FROM "AnalyticsReport" WHERE "id" = $1`, [result.reportId]);
    timings.push({ type, ms, steps, bodyBytes: rows[0]?.bytes ?? 0 });
  }
  return timings;
}
