import type { EXPORT_ENTITY_FILTERS, ExportFilterKey, JobPayload } from "../jobs/catalog";

/** How a value is written: text stays text (leading zeros kept), numbers and dates are typed cells. */
export type ColumnType = "text" | "integer" | "decimal" | "date" | "datetime";

export interface ExportColumn {
  key: string;
  header: string;
  type: ColumnType;
  /** Relative width in tables (PDF, XLSX); text columns default to wider. */
  width?: number;
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

export interface ExportEntity {
  title: string;
  columns: readonly ExportColumn[];
  /** The rows, ordered, for one organisation and the filters; read through a cursor. */
  query: (organizationId: string, filters: ExportFilters) => SqlQuery;
  /** How many rows `query` returns, for progress. */
  count: (organizationId: string, filters: ExportFilters) => SqlQuery;
  chart?: ChartSpec;
  /** What the filters mean for this entity, in the report's heading (e.g. the dates apply to sales days). */
  describeFilters: (filters: ExportFilters) => string[];
}

/**
 * SQL conditions for the filters an entity honours, numbered after the organisation ($1). Each
 * entity names the column each of its filters applies to; the catalogue refuses the others at
 * enqueue (EXPORT_ENTITY_FILTERS), and the type check holds the two lists together.
 */
function conditions(filters: ExportFilters, columns: Partial<Record<ExportFilterKey, string>>): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [key, column] of Object.entries(columns) as [ExportFilterKey, string][]) {
    const value = filters[key];
    if (value === undefined) continue;
    values.push(value);
    parts.push(`${column} ${FILTER_OPERATORS[key] ?? "="} $${values.length + 1}`);
  }
  return { sql: parts.map((part) => ` AND ${part}`).join(""), values };
}

/** Dates bound a range; every other filter is an equality. */
const FILTER_OPERATORS: Partial<Record<ExportFilterKey, string>> = { startDate: ">=", endDate: "<=" };

const FILTER_LABELS: Record<keyof ExportFilters, string> = {
  category: "Category",
  productId: "Product",
  warehouseId: "Warehouse",
  forecastId: "Forecast",
  startDate: "From",
  endDate: "To",
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
  /** FROM … WHERE organisation = $1, without further conditions; may depend on the filters. */
  from: string | ((filters: ExportFilters) => string);
  select: string;
  orderBy: string;
  filterColumns: Partial<Record<ExportFilterKey, string>>;
  dateMeaning?: string;
  /** What the export holds when no dates are given, when that is not "all days". */
  undated?: string;
  /** A condition the entity adds for the filters as given (e.g. the latest day when no dates are). */
  defaultCondition?: (filters: ExportFilters) => string | null;
}

function defineEntity<F extends EntityDefinition["filterColumns"]>(definition: EntityDefinition & { filterColumns: F }): ExportEntity & { filterColumns: F } {
  const where = (organizationId: string, filters: ExportFilters) => {
    const extra = conditions(filters, definition.filterColumns);
    const fallback = definition.defaultCondition?.(filters);
    const from = typeof definition.from === "function" ? definition.from(filters) : definition.from;
    return { sql: `${from}${extra.sql}${fallback ? ` AND ${fallback}` : ""}`, values: [organizationId, ...extra.values] };
  };
  return {
    title: definition.title,
    columns: definition.columns,
    chart: definition.chart,
    filterColumns: definition.filterColumns,
    describeFilters: (filters) => listFilters(filters, definition.dateMeaning, definition.undated),
    query(organizationId, filters) {
      const { sql, values } = where(organizationId, filters);
      return { text: `SELECT ${definition.select} ${sql} ORDER BY ${definition.orderBy}`, values };
    },
    count(organizationId, filters) {
      const { sql, values } = where(organizationId, filters);
      return { text: `SELECT count(*)::int AS "count" ${sql}`, values };
    },
  };
}

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
} satisfies { [K in ExportEntityKey]: ExportEntity & { filterColumns: Record<(typeof EXPORT_ENTITY_FILTERS)[K][number], string> } };
