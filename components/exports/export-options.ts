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
};

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
  if (filters.startDate || filters.endDate) facts.push(`${filters.startDate ?? "…"} – ${filters.endDate ?? "…"}`);
  return facts;
}

const size = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1_048_576) return `${size.format(bytes / 1024)} KB`;
  return `${size.format(bytes / 1_048_576)} MB`;
}
