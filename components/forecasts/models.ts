import type { ForecastModelKey } from "../api/types";

/** Labels and chart colours of the forecast models (keys from lib/jobs/catalog.ts FORECAST_MODELS). */
export const FORECAST_MODELS: readonly { key: ForecastModelKey; label: string; color: string }[] = [
  { key: "ma", label: "Moving average", color: "var(--chart-ma)" },
  { key: "linear", label: "Linear regression", color: "var(--chart-linear)" },
  { key: "exp", label: "Exponential smoothing", color: "var(--chart-exp)" },
  { key: "seasonal", label: "Seasonal", color: "var(--chart-seasonal)" },
];

/** Orders per-model results like the form does (the API returns them by key). */
export function byModelOrder<T extends { model: string }>(items: readonly T[]): T[] {
  const rank = (key: string) => {
    const index = FORECAST_MODELS.findIndex((model) => model.key === key);
    return index === -1 ? FORECAST_MODELS.length : index;
  };
  return [...items].sort((a, b) => rank(a.model) - rank(b.model));
}

export function modelLabel(key: string): string {
  return FORECAST_MODELS.find((model) => model.key === key)?.label ?? key;
}

export function modelColor(key: string): string {
  return FORECAST_MODELS.find((model) => model.key === key)?.color ?? "var(--chart-axis)";
}

/** The worker's documented steps (ARCHITECTURE.md "A job's life"), for the step counter. */
export const FORECAST_STEPS = [
  { percent: 10, message: "Loading historical data" },
  { percent: 20, message: "Preprocessing data" },
  { percent: 30, message: "Running forecast models" },
  { percent: 60, message: "Calculating ensemble" },
  { percent: 80, message: "Calculating accuracy" },
  { percent: 90, message: "Saving results" },
  { percent: 100, message: "Complete" },
] as const;

/** "forecast:SKU-001" → "SKU-001": the API names forecast jobs after the product's SKU. */
export function skuFromJobName(name: string): string {
  return name.startsWith("forecast:") ? name.slice("forecast:".length) : name;
}
