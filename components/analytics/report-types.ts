import type { AnalyticsType } from "../api/types";

/** How the page names each report; what it computes is the catalogue's definition, shown with the report. */
export const REPORT_LABELS: Record<AnalyticsType, { label: string; hint: string }> = {
  "inventory-turnover": { label: "Inventory turnover", hint: "COGS ÷ average inventory and days of inventory, by category, warehouse and product." },
  gmroi: { label: "GMROI", hint: "Gross margin ÷ average inventory at cost." },
  service: { label: "Service level", hint: "Fill rate by units and lines, stock-outs and days out of stock, week by week." },
  "stockout-rate": { label: "Stock-out rate", hint: "SKUs at zero, unfilled demand and days out of stock." },
  "abc-xyz": { label: "ABC-XYZ", hint: "ABC by share of value, XYZ by variability of weekly demand." },
  "abc-analysis": { label: "ABC analysis", hint: "Products by cumulative share of value: A, B and C." },
  "days-of-supply": { label: "Days of supply", hint: "How long stock on hand lasts at the period's demand." },
  "forecast-accuracy": { label: "Forecast accuracy", hint: "Saved forecasts against actual sales: MAPE, bias, tracking signal." },
};

/** "analytics:abc-xyz" → "ABC-XYZ": the page names analytics jobs after their report. */
export function reportLabelFromJobName(name: string): string {
  const type = name.startsWith("analytics:") ? name.slice("analytics:".length) : name;
  return type in REPORT_LABELS ? REPORT_LABELS[type as AnalyticsType].label : name;
}
