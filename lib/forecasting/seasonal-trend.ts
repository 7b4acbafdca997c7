import { decompose, type SeasonalForm } from "./decomposition";
import type { ModelFit } from "./model";
import { fitLine } from "./stats";

/**
 * Classical decomposition plus a local linear trend: seasonal indices from `decompose()` of the
 * whole fitting window (every season contributes, so one unusual season barely moves them), a
 * least-squares line through the seasonally adjusted recent data, and the indices re-applied
 * to the extrapolated line. "Recent" is the last third of the data but at least three seasons,
 * so the slope follows changes in trend without being driven by a single season's noise.
 * Additive and (for strictly positive data) multiplicative forms are both fitted; the one with
 * the smaller squared error over the trend window wins.
 *
 * Needs two full seasons of data, like `decompose()`.
 */
export function fitSeasonalTrend(series: readonly number[], horizon: number, seasonLength: number): ModelFit {
  const n = series.length;
  const s = seasonLength;
  const window = Math.min(n, Math.max(3 * s, Math.ceil(n / 3)));
  const from = n - window;
  const forms: SeasonalForm[] = series.every((v) => v > 0) ? ["additive", "multiplicative"] : ["additive"];

  const fits = forms.map((form) => {
    const { figure } = decompose(series, s, form);
    const adjusted = series.map((v, t) => (form === "additive" ? v - figure[t % s] : v / figure[t % s]));
    const line = fitLine(adjusted, from, n);
    const at = (t: number): number => combine(form, line.intercept + line.slope * (t - from), figure[t % s]);
    let sse = 0;
    for (let t = from; t < n; t++) sse += (series[t] - at(t)) ** 2;
    return { form, line, at, sse };
  });
  const best = fits.reduce((a, b) => (b.sse < a.sse ? b : a));

  const { intercept, slope } = best.line;
  return {
    method: `decomposition-${best.form}`,
    predictions: Array.from({ length: horizon }, (_, h) => best.at(n + h)),
    params: { window, level: intercept + slope * (window - 1), slope },
  };
}

function combine(form: SeasonalForm, base: number, index: number): number {
  return form === "additive" ? base + index : base * index;
}
