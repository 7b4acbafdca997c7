import type { ModelFit } from "./model";

/**
 * Benchmark forecasts the ensemble compares itself with. They are not user-selectable models:
 * the ensemble only leans on one when it beats every requested model on the holdout.
 */
export type BenchmarkKey = "seasonal-naive" | "drift";

/**
 * Seasonal naive (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed.,
 * §5.2): each forecast repeats the last observation of the same phase,
 * ŷ_{T+h} = y_{T+h−m(k+1)} with k = ⌊(h−1)/m⌋. Without a season (m = 1) it is the naive forecast,
 * the last value repeated.
 */
export function fitSeasonalNaive(series: readonly number[], horizon: number, seasonLength: number | null): ModelFit {
  const m = seasonLength ?? 1;
  const n = series.length;
  return {
    method: m === 1 ? "naive" : `seasonal-naive-${m}`,
    predictions: Array.from({ length: horizon }, (_, h) => series[n - m + (h % m)]),
    params: { seasonLength: m },
  };
}

/**
 * Random walk with drift (same source, §5.2): the last value plus h times the average change
 * over the history, ŷ_{T+h} = y_T + h·(y_T − y_1)/(T − 1), i.e. the line through the first and
 * last observations, extended.
 */
export function fitDrift(series: readonly number[], horizon: number): ModelFit {
  const n = series.length;
  const last = series[n - 1];
  const slope = n > 1 ? (last - series[0]) / (n - 1) : 0;
  return {
    method: "drift",
    predictions: Array.from({ length: horizon }, (_, h) => last + slope * (h + 1)),
    params: { slope },
  };
}

export const BENCHMARK_KEYS: readonly BenchmarkKey[] = ["seasonal-naive", "drift"];

export const BENCHMARKS: Record<
  BenchmarkKey,
  { label: string; fit(series: readonly number[], horizon: number, seasonLength: number | null): ModelFit }
> = {
  "seasonal-naive": { label: "Seasonal naive", fit: fitSeasonalNaive },
  drift: { label: "Drift", fit: (series, horizon) => fitDrift(series, horizon) },
};
