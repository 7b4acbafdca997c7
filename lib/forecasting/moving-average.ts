import type { ModelFit } from "./model";

const WINDOWS = [3, 7, 14, 28];

/**
 * Flat forecast at the mean of the last `w` observations. The window is chosen from 3, 7, 14,
 * 28 and one and two season lengths (a whole-season window averages the seasonal swing out of
 * the level), by the smallest one-step-ahead squared error on the fitting data. All windows are
 * scored on the same observations so short windows are not judged on more data than long ones.
 * Windows longer than half the series are skipped so the score rests on enough observations.
 */
export function fitMovingAverage(series: readonly number[], horizon: number, seasonLength: number | null): ModelFit {
  const n = series.length;
  const candidates = [...new Set([...WINDOWS, ...(seasonLength ? [seasonLength, 2 * seasonLength] : [])])]
    .filter((w) => w <= n / 2)
    .sort((a, b) => a - b);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + series[i];
  const from = candidates[candidates.length - 1];

  let window = candidates[0];
  let bestSse = Number.POSITIVE_INFINITY;
  for (const w of candidates) {
    let sse = 0;
    for (let t = from; t < n; t++) sse += (series[t] - (prefix[t] - prefix[t - w]) / w) ** 2;
    if (sse < bestSse) {
      bestSse = sse;
      window = w;
    }
  }
  const level = (prefix[n] - prefix[n - window]) / window;
  return { method: `ma-${window}`, predictions: new Array<number>(horizon).fill(level), params: { window } };
}
