import type pg from "pg";
import { reorderLine } from "../inventory/reorder-list";
import { catalog, QUEUE_KEYS, type AnalyticsType, type EXPORT_ENTITY_FILTERS, type ExportFilterKey, type JobPayload } from "../jobs/catalog";
import { LEDGER_STATES, type RunStateFilter } from "../jobs/run-states";
import { reorderCandidatesQuery, toReorderCandidate } from "../optimization/optimization-queries";
import { REPORT_TABLES } from "./report-tables";

/** How a value is written: text stays text (leading zeros kept), numbers and dates are typed cells. */
export type ColumnType = "text" | "integer" | "decimal" | "date" | "datetime";

export interface ExportColumn {
  key: string;
  header: string;
  type: ColumnType;
  /** Relative width in tables (PDF, XLSX); text columns default to wider. */
  width?: number;
  /** False: a detail left out of the PDF's table, which has one landscape page's width for every column. @defaultValue true */
  pdf?: false;
}

/** One row as the query returns it: keys are the columns' keys; dates come back as YYYY-MM-DD text. */
export type ExportRow = Record<string, string | number | null>;

export type ExportFilters = JobPayload<"export">["filters"];
export type ExportEntityKey = JobPayload<"export">["entity"];

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** A product's chart in the PDF of forecasts: its history and the forecast, read per product. */
export interface ChartSpec {
  /** The column whose value changes from one chart (product) to the next; rows arrive grouped by it. */
  groupBy: string;
  /** The title of a group, from its first row. */
  title: (row: ExportRow) => string;
  /** Sales before the forecast, shown as the history line (the query's parameters: the group's first row). */
  history: (row: ExportRow) => SqlQuery;
}

/** Whose rows an export reads, and when it is made (what "today" means for the reorder list). */
export interface ExportContext {
  organizationId: string;
  /** The user who launched it: a runs export is theirs. */
  ownerId: string | null;
  generatedAt: Date;
}

/** What the file is titled and which columns it has, when that depends on the data (a report's type). */
export interface ExportLayout {
  title: string;
  columns: readonly ExportColumn[];
}

/** Raised when what the export names is gone by the time it runs: retrying cannot help. */
export class ExportSourceError extends Error {
  override name = "ExportSourceError";
}

export interface ExportEntity {
  title: string;
  columns: readonly ExportColumn[];
  /** The rows, ordered, for one organisation (or owner) and the filters; read through a cursor. */
  query: (context: ExportContext, filters: ExportFilters) => SqlQuery;
  /** How many rows `query` returns, for progress (an upper bound where `transform` leaves rows out). */
  count: (context: ExportContext, filters: ExportFilters) => SqlQuery;
  /** Read once before the rows where the title and columns depend on the data. */
  layout?: (pool: Pick<pg.Pool, "query">, context: ExportContext, filters: ExportFilters) => Promise<ExportLayout>;
  /** The file's row for a row of `query`, or null to leave it out (where a filter is worked out in code, not SQL). */
  transform?: (row: Record<string, unknown>, context: ExportContext, filters: ExportFilters) => ExportRow | null;
  chart?: ChartSpec;
  /** What the filters mean for this entity, in the report's heading (e.g. the dates apply to sales days). */
  describeFilters: (filters: ExportFilters) => string[];
}

/**
 * SQL conditions for the filters an entity honours, numbered after the organisation ($1). Each
 * entity names the column each of its filters applies to; the catalogue refuses the others at
 * enqueue (EXPORT_ENTITY_FILTERS), and the type check holds the two lists together.
 */
function conditions(filters: ExportFilters, columns: Partial<Record<ExportFilterKey, FilterColumn>>, offset: number): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [key, column] of Object.entries(columns) as [ExportFilterKey, FilterColumn][]) {
    const value = filters[key];
    if (value === undefined) continue;
    const param = `$${offset + values.length + 1}`;
    if (typeof column === "string") {
      values.push(value);
      parts.push(`${column} ${FILTER_OPERATORS[key] ?? "="} ${param}`);
    } else {
      values.push(column.value ? (column.value as (value: unknown) => unknown)(value) : value);
      parts.push(column.condition(param));
    }
  }
  return { sql: parts.map((part) => ` AND ${part}`).join(""), values };
}

/** A filter's column (compared by its operator), or a condition of its own with the value it binds. */
type FilterColumn = string | { condition: (param: string) => string; value?: (value: never) => unknown };

/** Dates bound a range; every other filter is an equality. */
const FILTER_OPERATORS: Partial<Record<ExportFilterKey, string>> = { startDate: ">=", endDate: "<=" };

const FILTER_LABELS: Record<keyof ExportFilters, string> = {
  category: "Category",
  productId: "Product",
  warehouseId: "Warehouse",
  forecastId: "Forecast",
  startDate: "From",
  endDate: "To",
  optimizationId: "Optimisation result",
  orderNow: "Order now",
  days: "Order-by within (days)",
  reportId: "Report",
  queue: "Queue",
  state: "State",
};

function listFilters(filters: ExportFilters, dateMeaning?: string, undated?: string): string[] {
  const lines = (Object.keys(FILTER_LABELS) as (keyof ExportFilters)[])
    .filter((key) => filters[key] !== undefined)
    .map((key) => `${FILTER_LABELS[key]}: ${filters[key]}`);
  if (dateMeaning && (filters.startDate || filters.endDate)) lines.push(`Dates apply to ${dateMeaning}`);
  else if (undated) lines.push(undated);
  return lines.length > 0 ? lines : ["None (everything)"];
}

interface EntityDefinition extends Omit<ExportEntity, "query" | "count" | "describeFilters"> {
  /** FROM … WHERE organisation (or owner) = $1, without further conditions; may depend on the filters. */
  from: string | ((filters: ExportFilters) => string);
  /** What $1 is: the organisation's id, or the owner's for rows that are a user's own (runs). @defaultValue "organization" */
  scope?: "organization" | "owner";
  select: string;
  orderBy: string;
  filterColumns: Partial<Record<ExportFilterKey, FilterColumn>>;
  dateMeaning?: string;
  /** What the export holds when no dates are given, when that is not "all days". */
  undated?: string;
  /** A condition the entity adds for the filters as given (e.g. the latest day when no dates are). */
  defaultCondition?: (filters: ExportFilters) => string | null;
}

/** The filters an entity honours, checked against the catalogue's list by the type below. */
type Takes<F> = { takes: Record<keyof F, true> };

function defineEntity<F extends EntityDefinition["filterColumns"]>(definition: EntityDefinition & { filterColumns: F }): ExportEntity & Takes<F> {
  const where = (context: ExportContext, filters: ExportFilters) => {
    const extra = conditions(filters, definition.filterColumns, 1);
    const fallback = definition.defaultCondition?.(filters);
    const from = typeof definition.from === "function" ? definition.from(filters) : definition.from;
    const scope = definition.scope === "owner" ? context.ownerId : context.organizationId;
    return { sql: `${from}${extra.sql}${fallback ? ` AND ${fallback}` : ""}`, values: [scope, ...extra.values] };
  };
  return {
    title: definition.title,
    columns: definition.columns,
    chart: definition.chart,
    takes: Object.fromEntries(Object.keys(definition.filterColumns).map((key) => [key, true])) as Record<keyof F, true>,
    describeFilters: (filters) => listFilters(filters, definition.dateMeaning, definition.undated),
    query(context, filters) {
      const { sql, values } = where(context, filters);
      return { text: `SELECT ${definition.select} ${sql} ORDER BY ${definition.orderBy}`, values };
    },
    count(context, filters) {
      const { sql, values } = where(context, filters);
      return { text: `SELECT count(*)::int AS "count" ${sql}`, values };
    },
  };
}

const utcDay = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
const TIMESTAMP = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;

/**
 * The reorder list (lib/inventory/reorder-list.ts) as a file: the same candidates query the
 * Inventory page reads, streamed, each row turned into its line with the page's own rules, so a
 * line is in the file exactly when it would be on the list. In SKU and warehouse order: the
 * page's urgency order needs every line at once, and a file is re-sorted by whoever opens it.
 */
const optimizations: ExportEntity & Takes<Record<(typeof EXPORT_ENTITY_FILTERS)["optimizations"][number], true>> = {
  title: "What to order",
  columns: [
    { key: "urgency", header: "Urgency", type: "text" },
    { key: "orderBy", header: "Order by", type: "date" },
    { key: "sku", header: "SKU", type: "text" },
    { key: "name", header: "Product", type: "text", width: 2 },
    { key: "category", header: "Category", type: "text", pdf: false },
    { key: "warehouse", header: "Warehouse", type: "text" },
    { key: "quantity", header: "Quantity", type: "integer" },
    { key: "onHand", header: "On hand", type: "integer" },
    { key: "onOrder", header: "On order", type: "integer" },
    { key: "reorderPoint", header: "Reorder point", type: "decimal" },
    { key: "eoq", header: "Order quantity", type: "decimal", pdf: false },
    { key: "dailyDemand", header: "Demand / day", type: "decimal", pdf: false },
    { key: "daysOfCover", header: "Days of cover", type: "decimal" },
    { key: "stockoutDate", header: "Stock-out", type: "date", pdf: false },
    { key: "reason", header: "Why", type: "text", width: 5 },
    { key: "optimizedAt", header: "Optimised", type: "datetime", pdf: false },
  ],
  takes: { category: true, productId: true, warehouseId: true, optimizationId: true, orderNow: true, days: true },
  query: (context, filters) =>
    reorderCandidatesQuery({ organizationId: context.organizationId, category: filters.category, productId: filters.productId, warehouseId: filters.warehouseId, optimizationId: filters.optimizationId }),
  count(context, filters) {
    const query = this.query(context, filters);
    return { text: `SELECT count(*)::int AS "count" FROM (${query.text}) c`, values: query.values };
  },
  transform(row, context, filters) {
    const line = reorderLine(toReorderCandidate(row), { today: utcDay(context.generatedAt), horizonDays: filters.days });
    if (!line || (filters.orderNow !== undefined && (line.urgency === "order-now") !== filters.orderNow)) return null;
    return {
      // Beyond a week when `days` says so: "upcoming" rather than the page's "this week".
      urgency: line.urgency === "order-now" ? "Order now" : "Upcoming",
      orderBy: line.orderBy,
      sku: line.product.sku,
      name: line.product.name,
      category: line.product.category,
      warehouse: line.warehouse.code,
      quantity: line.quantity,
      onHand: line.onHand,
      onOrder: line.onOrder,
      reorderPoint: line.policy.reorderPoint,
      eoq: line.policy.eoq,
      dailyDemand: line.policy.dailyDemand,
      daysOfCover: line.daysOfCover,
      stockoutDate: line.stockoutDate,
      reason: line.reason,
      optimizedAt: line.optimizedAt.replace(/\.\d{3}Z$/, "Z"),
    };
  },
  describeFilters: (filters) => [
    ...listFilters(filters).filter((line) => !line.startsWith("None")),
    `Lines to order now or by ${filters.days ?? REORDER_DAYS} days from the day the file was made, from each product's ${filters.optimizationId ? "named" : "latest"} optimisation against that day's stock`,
  ],
};

/** The reorder list's horizon when the filters name none (lib/inventory/reorder-list.ts). */
const REORDER_DAYS = 7;

/**
 * An analytics report's main table (lib/exports/report-tables.ts), streamed out of the saved
 * body with jsonb_array_elements, in the report's own order.
 */
const reports: ExportEntity & Takes<Record<(typeof EXPORT_ENTITY_FILTERS)["reports"][number], true>> = {
  title: "Analytics report",
  columns: [],
  takes: { reportId: true },
  async layout(pool, context, filters) {
    const { rows } = await pool.query<{ type: AnalyticsType; startDate: string; endDate: string }>(
      `SELECT "type", to_char("startDate", ${DAY}) AS "startDate", to_char("endDate", ${DAY}) AS "endDate" FROM "AnalyticsReport" WHERE "id" = $1 AND "organizationId" = $2`,
      [filters.reportId, context.organizationId],
    );
    const report = rows[0];
    const table = report ? REPORT_TABLES[report.type] : undefined;
    if (!report || !table) throw new ExportSourceError(`no report with id "${filters.reportId}"`);
    return { title: `${table.title}, ${report.startDate} – ${report.endDate}`, columns: table.columns };
  },
  query: (context, filters) => ({
    text: `SELECT e."row" FROM "AnalyticsReport" r
      CROSS JOIN LATERAL jsonb_array_elements(r."body" -> (CASE WHEN r."type" IN (${typesWith("items")}) THEN 'items' ELSE 'products' END)) WITH ORDINALITY AS e("row", "n")
      WHERE r."id" = $1 AND r."organizationId" = $2 ORDER BY e."n"`,
    values: [filters.reportId, context.organizationId],
  }),
  count: (context, filters) => ({
    text: `SELECT COALESCE(sum(jsonb_array_length(r."body" -> (CASE WHEN r."type" IN (${typesWith("items")}) THEN 'items' ELSE 'products' END))), 0)::int AS "count"
      FROM "AnalyticsReport" r WHERE r."id" = $1 AND r."organizationId" = $2`,
    values: [filters.reportId, context.organizationId],
  }),
  transform(row) {
    const values = row.row as Record<string, unknown>;
    // A yes/no figure (forecast accuracy's out of control) as words; everything else as the report holds it.
    return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === "boolean" ? (value ? "yes" : "no") : (value as string | number | null)]));
  },
  describeFilters: (filters) => [`Report: ${filters.reportId}`, "Shares and rates are fractions (0.95 = 95 %)"],
};

/** The analytics types whose rows are the body's `items` (a constant list of ours, never input). */
function typesWith(rows: "items" | "products"): string {
  return (Object.entries(REPORT_TABLES) as [AnalyticsType, { rows: string }][])
    .filter(([, table]) => table.rows === rows)
    .map(([type]) => `'${type}'`)
    .join(", ");
}

/** The queues whose runs are about a product, so a runs export names the product by SKU (the ids are the catalogue's, never input). */
const PRODUCT_QUEUES = QUEUE_KEYS.filter((key) => (catalog[key] as { subject?: { kind: string } }).subject?.kind === "product")
  .map((key) => `'${key}'`)
  .join(", ");

const DAY = `'YYYY-MM-DD'`;

/** The entities a planner can export; each reads only the organisation's own rows. */
export const exportEntities = {
  products: defineEntity({
    title: "Products",
    columns: [
      { key: "sku", header: "SKU", type: "text" },
      { key: "name", header: "Name", type: "text", width: 2 },
      { key: "category", header: "Category", type: "text" },
      { key: "unitCost", header: "Unit cost", type: "decimal" },
      { key: "unitPrice", header: "Unit price", type: "decimal" },
      { key: "createdAt", header: "Created", type: "datetime" },
    ],
    select: `p."sku", p."name", p."category", p."unitCost"::float8 AS "unitCost", p."unitPrice"::float8 AS "unitPrice", to_char(p."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"`,
    from: `FROM "Product" p WHERE p."organizationId" = $1`,
    orderBy: `p."sku"`,
    filterColumns: { category: `p."category"`, productId: `p."id"` },
  }),
  sales: defineEntity({
    title: "Daily sales",
    columns: [
      { key: "date", header: "Date", type: "date" },
      { key: "sku", header: "SKU", type: "text" },
      { key: "name", header: "Product", type: "text", width: 2 },
      { key: "category", header: "Category", type: "text" },
      { key: "quantity", header: "Quantity", type: "integer" },
    ],
    select: `to_char(s."date", ${DAY}) AS "date", p."sku", p."name", p."category", s."quantity"`,
    from: `FROM "SalesDaily" s JOIN "Product" p ON p."id" = s."productId" WHERE s."organizationId" = $1`,
    orderBy: `s."date", p."sku"`,
    filterColumns: { category: `p."category"`, productId: `s."productId"`, startDate: `s."date"`, endDate: `s."date"` },
    dateMeaning: "the day of the sale",
  }),
  forecasts: defineEntity({
    title: "Forecasts",
    columns: [
      { key: "sku", header: "SKU", type: "text" },
      { key: "name", header: "Product", type: "text", width: 2 },
      { key: "date", header: "Date", type: "date" },
      { key: "value", header: "Forecast", type: "decimal" },
      { key: "lower", header: "Lower (80 %)", type: "decimal" },
      { key: "upper", header: "Upper (80 %)", type: "decimal" },
      { key: "mape", header: "Ensemble MAPE %", type: "decimal" },
      { key: "forecastId", header: "Forecast id", type: "text" },
      { key: "createdAt", header: "Forecast made", type: "datetime" },
    ],
    // The latest forecast of each product: earlier runs are history, not what a planner exports.
    select: `p."sku", p."name", to_char(fp."date", ${DAY}) AS "date", fp."value", fp."lower", fp."upper", f."ensembleMape" AS "mape", f."id" AS "forecastId", to_char(f."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt", p."id" AS "productId", to_char(f."historyEnd", ${DAY}) AS "historyEnd"`,
    from: (filters) =>
      `FROM ${filters.forecastId ? `"Forecast"` : `(SELECT DISTINCT ON ("productId") * FROM "Forecast" WHERE "organizationId" = $1 ORDER BY "productId", "createdAt" DESC)`} f
      JOIN "Product" p ON p."id" = f."productId"
      JOIN "ForecastPoint" fp ON fp."forecastId" = f."id" WHERE f."organizationId" = $1`,
    orderBy: `p."sku", fp."date"`,
    filterColumns: { category: `p."category"`, productId: `p."id"`, forecastId: `f."id"`, startDate: `fp."date"`, endDate: `fp."date"` },
    dateMeaning: "the forecast days",
    chart: {
      groupBy: "forecastId",
      title: (row) => `${row.sku} · ${row.name}`,
      history: (row) => ({
        text: `SELECT to_char("date", ${DAY}) AS "date", "quantity"::float8 AS "value" FROM "SalesDaily"
          WHERE "productId" = $1 AND "date" <= $2::date AND "date" > $2::date - 120 ORDER BY "date"`,
        values: [row.productId, row.historyEnd],
      }),
    },
  }),
  inventory: defineEntity({
    title: "Stock on hand",
    columns: [
      { key: "date", header: "Date", type: "date" },
      { key: "sku", header: "SKU", type: "text" },
      { key: "name", header: "Product", type: "text", width: 2 },
      { key: "warehouse", header: "Warehouse", type: "text" },
      { key: "onHand", header: "On hand", type: "integer" },
      { key: "unfilled", header: "Unfilled demand", type: "integer" },
      { key: "valueAtCost", header: "Value at cost", type: "decimal" },
    ],
    select: `to_char(st."date", ${DAY}) AS "date", p."sku", p."name", w."code" AS "warehouse", st."onHand", st."unfilled", (st."onHand" * p."unitCost")::float8 AS "valueAtCost"`,
    // Without dates, the latest day on record (what "stock on hand" means); with dates, every day in them.
    from: `FROM "StockSnapshot" st JOIN "Product" p ON p."id" = st."productId" JOIN "Warehouse" w ON w."id" = st."warehouseId"
      WHERE st."organizationId" = $1`,
    orderBy: `st."date", p."sku", w."code"`,
    filterColumns: { category: `p."category"`, productId: `st."productId"`, warehouseId: `st."warehouseId"`, startDate: `st."date"`, endDate: `st."date"` },
    dateMeaning: "the snapshot days",
    undated: "Without dates: the latest day on record",
    defaultCondition: (filters) =>
      filters.startDate === undefined && filters.endDate === undefined
        ? `st."date" = (SELECT max("date") FROM "StockSnapshot" WHERE "organizationId" = $1)`
        : null,
  }),
  optimizations,
  reports,
  runs: defineEntity({
    title: "My runs",
    columns: [
      { key: "createdAt", header: "Created", type: "datetime", width: 1.5 },
      { key: "queue", header: "Queue", type: "text", width: 1 },
      { key: "name", header: "Job", type: "text", width: 2 },
      { key: "subject", header: "About", type: "text" },
      { key: "state", header: "State", type: "text", width: 1 },
      { key: "progress", header: "Progress %", type: "integer", width: 0.7, pdf: false },
      { key: "attempts", header: "Attempts", type: "integer", width: 0.7, pdf: false },
      { key: "startedAt", header: "Started", type: "datetime", pdf: false },
      { key: "finishedAt", header: "Finished", type: "datetime", width: 1.5 },
      { key: "seconds", header: "Duration (s)", type: "decimal", width: 0.8 },
      { key: "failedReason", header: "Failure", type: "text", width: 2.4 },
      { key: "jobId", header: "Job id", type: "text", pdf: false },
    ],
    scope: "owner",
    select: `to_char(r."createdAt", ${TIMESTAMP}) AS "createdAt", r."queue", r."name", COALESCE(p."sku", r."businessKey") AS "subject",
      CASE r."state" WHEN 'PRIORITIZED' THEN 'waiting' ELSE lower(r."state"::text) END AS "state", r."progress", r."attempts",
      to_char(r."startedAt", ${TIMESTAMP}) AS "startedAt", to_char(r."finishedAt", ${TIMESTAMP}) AS "finishedAt",
      round(EXTRACT(EPOCH FROM (r."finishedAt" - r."startedAt"))::numeric, 3)::float8 AS "seconds", r."failedReason", r."id" AS "jobId"`,
    // The runs My runs lists: the caller's, in every queue, newest first; a product by its SKU.
    from: `FROM "JobRun" r LEFT JOIN "Product" p ON p."id" = r."businessKey" AND r."queue" IN (${PRODUCT_QUEUES || "NULL"}) WHERE r."ownerId" = $1`,
    orderBy: `r."createdAt" DESC, r."id" DESC`,
    filterColumns: {
      queue: `r."queue"`,
      state: { condition: (param) => `r."state"::text = ANY(${param}::text[])`, value: (state: RunStateFilter) => LEDGER_STATES[state] },
      // Ledger times are UTC: a day's runs are those created from its midnight to the next.
      startDate: { condition: (param) => `r."createdAt" >= ${param}::date` },
      endDate: { condition: (param) => `r."createdAt" < ${param}::date + 1` },
    },
    dateMeaning: "the day a run was created",
  }),
} satisfies { [K in ExportEntityKey]: ExportEntity & Takes<Record<(typeof EXPORT_ENTITY_FILTERS)[K][number], true>> };
