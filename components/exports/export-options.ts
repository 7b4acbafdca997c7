import { EXPORT_ENTITY_FILTERS } from "@/lib/jobs/catalog";
import type { JobPayload } from "../api/types";

export type ExportEntity = JobPayload<"export">["entity"];
export type ExportFormat = JobPayload<"export">["format"];
export type ExportFilterKey = (typeof EXPORT_ENTITY_FILTERS)[ExportEntity][number];

export const EXPORT_ENTITY_LABELS: Record<ExportEntity, { label: string; hint: string }> = {
  products: { label: "Products", hint: "SKU, name, category, unit cost and price." },
  sales: { label: "Daily sales", hint: "One row per product and day." },
  forecasts: { label: "Forecasts", hint: "Each product's latest forecast, one row per forecast day, with its interval." },
  inventory: { label: "Stock on hand", hint: "Per product and warehouse; without dates, the latest day on record." },
  optimizations: { label: "What to order", hint: "The reorder list: each product's latest policy per warehouse against today's stock, lines due within 7 days." },
  reports: { label: "Analytics report", hint: "A saved report's table; export it from the report's page." },
  runs: { label: "My runs", hint: "The jobs you started, newest first; the dates are the day a run was created." },
};

/** What the export page's form can launch: a report is exported from its own page, where it is picked. */
export const FORM_ENTITIES = (Object.keys(EXPORT_ENTITY_LABELS) as ExportEntity[]).filter((entity) => entity !== "reports");

export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  csv: "CSV",
  xlsx: "Excel (.xlsx)",
  pdf: "PDF report",
  json: "JSON",
  jsonl: "JSON Lines",
};

export function entityTakes(entity: ExportEntity, filter: ExportFilterKey): boolean {
  return (EXPORT_ENTITY_FILTERS[entity] as readonly string[]).includes(filter);
}

/** A run's filters in a planner's words: "Bearings", "2026-10-01 – 2026-10-07". */
export function describeExportFilters(filters: JobPayload<"export">["filters"]): string[] {
  const facts: string[] = [];
  if (filters.category) facts.push(`category ${filters.category}`);
  if (filters.productId) facts.push("one product");
  if (filters.warehouseId) facts.push("one warehouse");
  if (filters.forecastId) facts.push("one forecast");
  if (filters.optimizationId) facts.push("one optimisation result");
  if (filters.orderNow !== undefined) facts.push(filters.orderNow ? "to order now" : "not yet due");
  if (filters.days !== undefined) facts.push(`due within ${filters.days} days`);
  if (filters.reportId) facts.push("one report");
  if (filters.queue) facts.push(`queue ${filters.queue}`);
  if (filters.state) facts.push(filters.state);
  if (filters.startDate || filters.endDate) facts.push(`${filters.startDate ?? "…"} – ${filters.endDate ?? "…"}`);
  return facts;
}

const size = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1_048_576) return `${size.format(bytes / 1024)} KB`;
  return `${size.format(bytes / 1_048_576)} MB`;
}
