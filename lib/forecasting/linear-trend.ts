import type { ModelFit } from "./model";
import { fitLine } from "./stats";

/** Least-squares straight line through the whole fitting window, extrapolated. */
export function fitLinearTrend(series: readonly number[], horizon: number): ModelFit {
  const { intercept, slope } = fitLine(series);
  const n = series.length;
  const predictions = Array.from({ length: horizon }, (_, h) => intercept + slope * (n + h));
  return { method: "least-squares", predictions, params: { intercept, slope } };
}
