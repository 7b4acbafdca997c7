import type { ForecastModel } from "../api/types";

/** Labels and chart colours of the forecast models (keys from lib/jobs/catalog.ts FORECAST_MODELS). */
export const FORECAST_MODELS: readonly { key: ForecastModel; label: string; color: string }[] = [
  { key: "ma", label: "Moving average", color: "var(--chart-ma)" },
  { key: "linear", label: "Linear regression", color: "var(--chart-linear)" },
  { key: "exp", label: "Exponential smoothing", color: "var(--chart-exp)" },
  { key: "seasonal", label: "Seasonal", color: "var(--chart-seasonal)" },
];

/**
 * Benchmarks the ensemble may lean on when they beat the chosen models on the holdout
 * (lib/forecasting/benchmarks.ts); the forecast record lists one beside the models when it got a
 * weight. Not choosable in the form.
 */
const BENCHMARKS: readonly { key: string; label: string; color: string }[] = [
  { key: "seasonal-naive", label: "Seasonal naive (benchmark)", color: "var(--chart-today)" },
  { key: "drift", label: "Drift (benchmark)", color: "var(--chart-today)" },
];

const SERIES = [...FORECAST_MODELS, ...BENCHMARKS];

/** Orders per-model results like the form does (the API returns them by key). */
export function byModelOrder<T extends { model: string }>(items: readonly T[]): T[] {
  const rank = (key: string) => {
    const index = SERIES.findIndex((model) => model.key === key);
    return index === -1 ? SERIES.length : index;
  };
  return [...items].sort((a, b) => rank(a.model) - rank(b.model));
}

export function modelLabel(key: string): string {
  return SERIES.find((model) => model.key === key)?.label ?? key;
}

export function modelColor(key: string): string {
  return SERIES.find((model) => model.key === key)?.color ?? "var(--chart-axis)";
}

/** "forecast:SKU-001" → "SKU-001": the API names forecast jobs after the product's SKU. */
export function skuFromJobName(name: string): string {
  return name.startsWith("forecast:") ? name.slice("forecast:".length) : name;
}
