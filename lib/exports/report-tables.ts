import type { AnalyticsType } from "../jobs/catalog";
import type { ExportColumn } from "./export-entities";

/**
 * What a reports export writes for each analytics type: the report's main table (the body's
 * `products`, or `items` for the ABC reports, as lib/analytics/reports.ts builds it), one file row
 * per table row in the report's own order, with the columns the report page shows and the figures
 * behind them. Shares and rates are fractions (0.95, not 95 %); money is in the organisation's
 * currency.
 */
export interface ReportTable {
  /** The body's array of rows. */
  rows: "products" | "items";
  title: string;
  columns: readonly ExportColumn[];
}

const product: ExportColumn[] = [
  { key: "sku", header: "SKU", type: "text" },
  { key: "name", header: "Product", type: "text", width: 2 },
  { key: "category", header: "Category", type: "text" },
];

const decimal = (key: string, header: string): ExportColumn => ({ key, header, type: "decimal" });

const turnover: ExportColumn[] = [decimal("unitsSold", "Units sold"), decimal("cogs", "COGS"), decimal("averageInventory", "Avg inventory"), decimal("turns", "Turns"), decimal("daysOfInventory", "Days of inventory")];

const stockouts: ExportColumn[] = [
  decimal("unitsDemanded", "Units demanded"),
  decimal("unitsUnfilled", "Units unfilled"),
  decimal("stockoutRateByDemand", "Stock-out rate (demand)"),
  { key: "skuLocations", header: "Locations", type: "integer" },
  { key: "skuLocationsAtZero", header: "Locations at zero", type: "integer" },
  decimal("stockoutRateBySku", "Stock-out rate (SKUs)"),
  { key: "daysOutOfStock", header: "Days out of stock", type: "integer" },
];

const abc: ExportColumn[] = [
  { key: "rank", header: "Rank", type: "integer" },
  ...product,
  decimal("unitsSold", "Units sold"),
  decimal("value", "Value"),
  decimal("share", "Share"),
  decimal("cumulativeShare", "Cumulative share"),
  { key: "abc", header: "ABC", type: "text", width: 0.6 },
];

export const REPORT_TABLES: Record<AnalyticsType, ReportTable> = {
  "inventory-turnover": { rows: "products", title: "Inventory turnover by product", columns: [...product, ...turnover] },
  gmroi: {
    rows: "products",
    title: "GMROI by product",
    columns: [...product, decimal("unitsSold", "Units sold"), decimal("revenue", "Revenue"), decimal("grossMargin", "Gross margin"), decimal("grossMarginRate", "Margin rate"), decimal("averageInventory", "Avg inventory"), decimal("gmroi", "GMROI")],
  },
  service: {
    rows: "products",
    title: "Service level by product",
    columns: [...product, decimal("fillRateUnits", "Fill rate (units)"), decimal("fillRateLines", "Fill rate (lines)"), decimal("unitsShipped", "Units shipped"), ...stockouts],
  },
  "stockout-rate": { rows: "products", title: "Stock-outs by product", columns: [...product, ...stockouts] },
  "days-of-supply": {
    rows: "products",
    title: "Days of supply by product",
    columns: [...product, decimal("onHand", "On hand"), decimal("dailyDemand", "Demand / day"), decimal("daysOfSupply", "Days of supply")],
  },
  "abc-analysis": { rows: "items", title: "ABC analysis", columns: abc },
  "abc-xyz": { rows: "items", title: "ABC-XYZ analysis", columns: [...abc, decimal("cv", "CV"), { key: "xyz", header: "XYZ", type: "text", width: 0.6 }] },
  "forecast-accuracy": {
    rows: "products",
    title: "Forecast accuracy by product and model",
    columns: [
      ...product,
      { key: "model", header: "Model", type: "text" },
      { key: "points", header: "Days", type: "integer" },
      decimal("mape", "MAPE %"),
      decimal("bias", "Bias"),
      decimal("mad", "MAD"),
      decimal("trackingSignal", "Tracking signal"),
      { key: "outOfControl", header: "Out of control", type: "text", width: 0.8 },
    ],
  },
};
