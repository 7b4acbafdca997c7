import type { Db } from "../db";
import { queryUntilAborted, sqlPool } from "../db";

/**
 * The analytics worker's reads. Each aggregate is one pass over its table in PostgreSQL (sales
 * per product, stock per product × warehouse, forecast errors per product × model), returning
 * sums small enough for lib/analytics/reports.ts to turn into KPIs; no raw rows reach Node.
 */
export interface ReportScope {
  organizationId: string;
  /** Both inclusive, YYYY-MM-DD. */
  startDate: string;
  endDate: string;
  warehouseId?: string;
  category?: string;
}

/** Where the aggregates read, and the job's signal: a report timed out or cancelled stops its statements in PostgreSQL too. */
export interface ReportReader {
  db: Db;
  signal?: AbortSignal;
}

export interface ReportProduct {
  id: string;
  sku: string;
  name: string;
  category: string;
  unitCost: number;
  unitPrice: number;
}

export interface ReportWarehouse {
  id: string;
  code: string;
  name: string;
  kind: "CENTRAL" | "REGIONAL";
  demandShare: number;
}

/** The organisation's products (of the category, when one is given), warehouses and lanes. */
export async function loadReportContext(db: Db, scope: ReportScope) {
  const pool = sqlPool(db);
  const [products, warehouses, lanes] = await Promise.all([
    pool.query<ReportProduct>(
      `SELECT "id", "sku", "name", "category", "unitCost"::float8 AS "unitCost", "unitPrice"::float8 AS "unitPrice"
       FROM "Product" WHERE "organizationId" = $1 AND ($2::text IS NULL OR "category" = $2) ORDER BY "sku"`,
      [scope.organizationId, scope.category ?? null],
    ),
    pool.query<ReportWarehouse>(
      `SELECT "id", "code", "name", "kind"::text AS "kind", "demandShare" FROM "Warehouse" WHERE "organizationId" = $1 ORDER BY "code"`,
      [scope.organizationId],
    ),
    pool.query<{ from: string; to: string; costPerUnit: number; transitDays: number }>(
      `SELECT "fromWarehouseId" AS "from", "toWarehouseId" AS "to", "costPerUnit"::float8 AS "costPerUnit", "transitDays" FROM "TransportLane" WHERE "organizationId" = $1`,
      [scope.organizationId],
    ),
  ]);
  return { products: products.rows, warehouses: warehouses.rows, lanes: lanes.rows };
}

/**
 * The period's first and last snapshot day and how many days have snapshots, read by skipping
 * along the (organizationId, date) index one day at a time rather than counting distinct dates
 * over every row.
 */
export async function loadSnapshotDays(db: Db, scope: ReportScope): Promise<{ first: string | null; last: string | null; days: number }> {
  const { rows } = await sqlPool(db).query<{ first: string | null; last: string | null; days: number }>(
    `WITH RECURSIVE day AS (
       (SELECT "date" FROM "StockSnapshot" WHERE "organizationId" = $1 AND "date" BETWEEN $2::date AND $3::date ORDER BY "date" LIMIT 1)
       UNION ALL
       SELECT (SELECT s."date" FROM "StockSnapshot" s WHERE s."organizationId" = $1 AND s."date" > day."date" AND s."date" <= $3::date ORDER BY s."date" LIMIT 1)
       FROM day WHERE day."date" IS NOT NULL
     )
     SELECT to_char(min("date"), 'YYYY-MM-DD') AS "first", to_char(max("date"), 'YYYY-MM-DD') AS "last", count("date")::int AS "days" FROM day`,
    [scope.organizationId, scope.startDate, scope.endDate],
  );
  return rows[0]!;
}

/**
 * Runs one aggregate with room to hash its groups in memory: at the default work_mem (4 MB) the
 * 50,000 product × warehouse groups of a 10,000-product organisation spill into an on-disk sort
 * that takes several times as long as the scan.
 */
const AGGREGATE_WORK_MEM = "128MB";

async function aggregate<T extends object>({ db, signal }: ReportReader, sql: string, params: unknown[], { nestedLoops = true } = {}): Promise<T[]> {
  const pool = sqlPool(db);
  const client = await pool.connect();
  try {
    await client.query("BEGIN READ ONLY");
    await client.query(`SET LOCAL work_mem = '${AGGREGATE_WORK_MEM}'`);
    if (!nestedLoops) await client.query("SET LOCAL enable_nestloop = off");
    const rows = await queryUntilAborted<T & object>(pool, client, sql, params, signal);
    await client.query("COMMIT");
    return rows;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The ISO week (its Monday) of a snapshot's or sale's day; as a timestamp without time zone, so the session's zone cannot move it. */
const WEEK = `date_trunc('week', s."date"::timestamp)`;
const WEEK_OF_DAY = `to_char(${WEEK}, 'YYYY-MM-DD')`;

export interface ProductSales {
  productId: string;
  units: number;
  /** Days with units sold > 0: the lines with a sale. */
  saleDays: number;
}

export interface WeekTotal {
  /** Monday of the ISO week, YYYY-MM-DD. */
  week: string;
  units: number;
}

/**
 * Units sold per product over the period and, with `byWeek`, per week over all products: each one
 * pass over the period's sales, the two run side by side.
 */
export async function aggregateSales(reader: ReportReader, scope: ReportScope, { byWeek = false } = {}): Promise<{ products: ProductSales[]; weeks: WeekTotal[] }> {
  const params = [scope.organizationId, scope.startDate, scope.endDate, ...(scope.category ? [scope.category] : [])];
  const from = `FROM "SalesDaily" s ${scope.category ? `JOIN "Product" p ON p."id" = s."productId" AND p."category" = $4` : ""}
     WHERE s."organizationId" = $1 AND s."date" BETWEEN $2::date AND $3::date`;
  const [products, weeks] = await Promise.all([
    aggregate<ProductSales>(reader, `SELECT s."productId", sum(s."quantity")::float8 AS "units", (count(*) FILTER (WHERE s."quantity" > 0))::int AS "saleDays" ${from} GROUP BY s."productId"`, params),
    byWeek ? aggregate<WeekTotal>(reader, `SELECT ${WEEK_OF_DAY} AS "week", sum(s."quantity")::float8 AS "units" ${from} GROUP BY ${WEEK} ORDER BY ${WEEK}`, params) : [],
  ]);
  return { products, weeks };
}

export interface StockCell {
  productId: string;
  warehouseId: string;
  /** Σ on hand over the period's snapshots (unit-days). */
  onHandSum: number;
  /** On hand on the period's first and last snapshot day (0 without a snapshot then). */
  begin: number;
  end: number;
  snapshots: number;
  /** Whether the location has a snapshot on the period's last snapshot day (a stock-keeping location then). */
  atEnd: boolean;
  /** Days at zero, counted at the warehouses `zeroAt` names only. */
  zeroDays: number;
  unfilled: number;
}

export interface StockWeek {
  week: string;
  /** Location-days and location-days at zero at the `zeroAt` warehouses, and units unfilled. */
  locationDays: number;
  zeroDays: number;
  unfilled: number;
}

/**
 * Stock per product × warehouse over the period, one pass: Σ on hand, the first and last day's
 * on hand, days at zero (at the `zeroAt` warehouses: the customer-facing ones) and units unfilled;
 * with `byWeek`, beside it, the days at zero and units unfilled per week over all products.
 */
export async function aggregateStock(
  reader: ReportReader,
  scope: ReportScope,
  days: { first: string; last: string },
  { zeroAt, byWeek = false }: { zeroAt: readonly string[]; byWeek?: boolean },
): Promise<{ cells: StockCell[]; weeks: StockWeek[] }> {
  const params: unknown[] = [scope.organizationId, scope.startDate, scope.endDate, zeroAt];
  const filters: string[] = [];
  if (scope.warehouseId) filters.push(`s."warehouseId" = $${params.push(scope.warehouseId)}`);
  if (scope.category) filters.push(`s."productId" IN (SELECT "id" FROM "Product" WHERE "organizationId" = $1 AND "category" = $${params.push(scope.category)})`);
  const from = `FROM "StockSnapshot" s
     WHERE s."organizationId" = $1 AND s."date" BETWEEN $2::date AND $3::date ${filters.map((filter) => `AND ${filter}`).join(" ")}`;
  const located = `s."warehouseId" = ANY($4::text[])`;
  const first = `$${params.length + 1}::date`;
  const last = `$${params.length + 2}::date`;
  const [cells, weeks] = await Promise.all([
    aggregate<StockCell>(
      reader,
      `SELECT s."productId", s."warehouseId",
              sum(s."onHand")::float8 AS "onHandSum",
              COALESCE(sum(s."onHand") FILTER (WHERE s."date" = ${first}), 0)::float8 AS "begin",
              COALESCE(sum(s."onHand") FILTER (WHERE s."date" = ${last}), 0)::float8 AS "end",
              count(*)::int AS "snapshots", bool_or(s."date" = ${last}) AS "atEnd",
              (count(*) FILTER (WHERE s."onHand" = 0 AND ${located}))::int AS "zeroDays",
              sum(s."unfilled")::float8 AS "unfilled"
       ${from}
       GROUP BY s."productId", s."warehouseId"`,
      [...params, days.first, days.last],
    ),
    byWeek
      ? aggregate<StockWeek>(
          reader,
          `SELECT ${WEEK_OF_DAY} AS "week", (count(*) FILTER (WHERE ${located}))::int AS "locationDays",
                  (count(*) FILTER (WHERE s."onHand" = 0 AND ${located}))::int AS "zeroDays", sum(s."unfilled")::float8 AS "unfilled"
           ${from}
           GROUP BY ${WEEK} ORDER BY ${WEEK}`,
          params,
        )
      : [],
  ]);
  return { cells, weeks };
}

/** Per product, the days on which some of its demand went unfilled, and how many of those had no sale. */
export async function aggregateIncompleteLines(reader: ReportReader, scope: ReportScope): Promise<{ productId: string; incomplete: number; withoutSale: number }[]> {
  const params: unknown[] = [scope.organizationId, scope.startDate, scope.endDate];
  const filters: string[] = [];
  if (scope.warehouseId) filters.push(`AND "warehouseId" = $${params.push(scope.warehouseId)}`);
  return aggregate<{ productId: string; incomplete: number; withoutSale: number }>(
    reader,
    `WITH short AS (
       SELECT "productId", "date" FROM "StockSnapshot"
       WHERE "organizationId" = $1 AND "date" BETWEEN $2::date AND $3::date AND "unfilled" > 0 ${filters.join(" ")}
       GROUP BY "productId", "date"
     )
     SELECT short."productId", count(*)::int AS "incomplete", (count(*) FILTER (WHERE COALESCE(s."quantity", 0) = 0))::int AS "withoutSale"
     FROM short LEFT JOIN "SalesDaily" s ON s."productId" = short."productId" AND s."date" = short."date"
     GROUP BY short."productId"`,
    params,
  );
}

/**
 * Units sold per product in whole periods of `periodDays` from startDate (the trailing part
 * period left out), as Σx and Σx² over the periods with sales: the moments of XYZ.
 */
export async function aggregateDemandPeriods(reader: ReportReader, scope: ReportScope, periodDays: number, periods: number): Promise<{ productId: string; sum: number; sumOfSquares: number }[]> {
  return aggregate<{ productId: string; sum: number; sumOfSquares: number }>(
    reader,
    `SELECT "productId", sum(q)::float8 AS "sum", sum(q * q)::float8 AS "sumOfSquares"
     FROM (
       SELECT s."productId", (s."date" - $2::date) / $4::int AS period, sum(s."quantity")::float8 AS q
       FROM "SalesDaily" s ${scope.category ? `JOIN "Product" p ON p."id" = s."productId" AND p."category" = $6` : ""}
       WHERE s."organizationId" = $1 AND s."date" >= $2::date AND s."date" < $2::date + $4::int * $5::int AND s."date" <= $3::date
       GROUP BY s."productId", period
     ) p
     GROUP BY "productId"`,
    [scope.organizationId, scope.startDate, scope.endDate, periodDays, periods, ...(scope.category ? [scope.category] : [])],
  );
}

export interface ErrorCell {
  productId: string;
  model: string;
  points: number;
  sumError: number;
  sumAbsError: number;
  sumAbsPercentError: number;
  percentPoints: number;
}

/**
 * Forecast errors (actual − forecast) of every saved forecast's points dated in the period up to
 * the organisation's last day of sales, for the ensemble (the stored points) and each model (its
 * predictions), summed per product × model and per model × week.
 */
export async function aggregateForecastErrors(reader: ReportReader, scope: ReportScope): Promise<{ cells: ErrorCell[]; weeks: (Omit<ErrorCell, "productId"> & { week: string })[] }> {
  const params: unknown[] = [scope.organizationId, scope.startDate, scope.endDate];
  const category = scope.category ? `AND f."productId" IN (SELECT "id" FROM "Product" WHERE "organizationId" = $1 AND "category" = $${params.push(scope.category)})` : "";
  const rows = await aggregate<ErrorCell & { week: string | null }>(
    reader,
    `WITH until AS (SELECT LEAST($3::date, (SELECT max("date") FROM "SalesDaily" WHERE "organizationId" = $1 AND "date" <= $3::date)) AS day),
     -- Each point with the sales of its day, read once for the ensemble and every model. A
     -- forecast's points are the days after its history's end (lib/forecasting/daily-series.ts),
     -- so point n is also index n of each model's predictions.
     actuals AS (
       SELECT f."id" AS "forecastId", f."productId", p."date", (p."date" - f."historyEnd")::int AS n, p."value", COALESCE(s."quantity", 0)::float8 AS actual
       FROM "Forecast" f
       JOIN "ForecastPoint" p ON p."forecastId" = f."id"
       LEFT JOIN "SalesDaily" s ON s."productId" = f."productId" AND s."date" = p."date"
       WHERE f."organizationId" = $1 ${category} AND p."date" BETWEEN $2::date AND (SELECT day FROM until)
     ),
     errors AS (
       SELECT "productId", 'ensemble' AS model, "date", actual, actual - "value" AS error FROM actuals
       UNION ALL
       SELECT actuals."productId", m."model", actuals."date", actual, actual - m."predictions"[actuals.n] AS error
       FROM actuals JOIN "ForecastModel" m ON m."forecastId" = actuals."forecastId"
       WHERE m."predictions"[actuals.n] IS NOT NULL
     )
     SELECT "productId", model, to_char(date_trunc('week', "date"::timestamp), 'YYYY-MM-DD') AS "week",
            count(*)::int AS "points", sum(error)::float8 AS "sumError", sum(abs(error))::float8 AS "sumAbsError",
            COALESCE(sum(abs(error) / actual) FILTER (WHERE actual > 0), 0)::float8 AS "sumAbsPercentError",
            (count(*) FILTER (WHERE actual > 0))::int AS "percentPoints"
     FROM errors
     GROUP BY GROUPING SETS (("productId", model), (model, date_trunc('week', "date"::timestamp)))`,
    params,
    // Planned with nested loops, every point looks its day's sale up in the index one by one
    // (7.3 million probes for 10,000 products over two years); hashing the period's sales once is
    // about twice as fast.
    { nestedLoops: false },
  );
  return {
    cells: rows.filter((row) => row.productId !== null).map(({ week: _week, ...cell }) => cell),
    weeks: rows
      .filter((row) => row.productId === null)
      .map(({ productId: _productId, ...cell }) => ({ ...cell, week: cell.week! }))
      .sort((x, y) => x.week.localeCompare(y.week) || x.model.localeCompare(y.model)),
  };
}
