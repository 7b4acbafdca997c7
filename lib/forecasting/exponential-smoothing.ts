import type { SeasonalForm } from "./decomposition";
import {
  firstForecastIndex,
  forecastFromState,
  initialState,
  runFilter,
  type Components,
  type SmoothingState,
} from "./holt-winters";
import { nelderMead, type NelderMeadOptions } from "./nelder-mead";

export type ExponentialSmoothingMethod = "ses" | "holt" | "holt-winters-additive" | "holt-winters-multiplicative";

export interface ExponentialSmoothingFit {
  method: ExponentialSmoothingMethod;
  predictions: number[];
  /** Fitted smoothing parameters: alpha, plus beta and gamma when the variant has them. */
  params: Record<string, number>;
}

interface Variant {
  method: ExponentialSmoothingMethod;
  components: Components;
}

// R's optim.start for HoltWinters(), a sensible centre for demand data.
const COLD_START = { alpha: 0.3, beta: 0.1, gamma: 0.1 };
// Measured on daily and monthly series: looser tolerances cost >0.1% SSE, tighter ones ~40% more time.
const COLD: NelderMeadOptions = { maxEvaluations: 80, tolerance: 1e-5, step: 1 };
// A refit on a few more observations moves the optimum only slightly.
const WARM: NelderMeadOptions = { maxEvaluations: 40, tolerance: 1e-5, step: 0.25 };

/**
 * Exponential smoothing with the variant chosen from simple (SES), Holt's additive trend and,
 * when a season length is known and the data covers three seasons, additive and (for strictly
 * positive data) multiplicative Holt–Winters, all with R's `HoltWinters()` start values.
 *
 * Parameters minimise the one-step-ahead SSE, searched by Nelder–Mead on logit-transformed
 * parameters so they stay inside (0, 1). The variant with the lowest AIC wins, scored on the
 * same observations for every variant (from the first one all of them can forecast). AIC uses
 * the fitting data alone, so the ensemble's holdout stays an honest test of the chosen model.
 *
 * With `previous` (the fit on the training part), only that variant is refitted, starting from
 * its parameters: the ensemble weighted it by its holdout score, so the refit keeps the same
 * model, and the optimum moves little with a few more observations, so a warm start is cheap.
 */
export function fitExponentialSmoothing(
  series: readonly number[],
  horizon: number,
  seasonLength: number | null,
  previous?: ExponentialSmoothingFit,
): ExponentialSmoothingFit {
  const variants = previous
    ? [variantFor(previous.method, seasonLength ?? 1)]
    : candidateVariants(series, seasonLength);
  const errorFrom = Math.max(...variants.map((v) => firstForecastIndex(v.components)));
  const observations = series.length - errorFrom;

  let best: { variant: Variant; params: SmoothingParams; aic: number } | null = null;
  for (const variant of variants) {
    const fit = optimise(series, variant.components, errorFrom, previous?.params ?? COLD_START, previous ? WARM : COLD);
    if (fit === null) continue;
    const { trend, seasonal, seasonLength: s } = variant.components;
    // Start values are estimated from the data too, so they count alongside the smoothing parameters.
    const smoothing = 1 + (trend ? 1 : 0) + (seasonal ? 1 : 0);
    const states = 1 + (trend ? 1 : 0) + (seasonal ? s : 0);
    const aic = observations * Math.log(fit.sse / observations) + 2 * (smoothing + states);
    if (best === null || aic < best.aic) best = { variant, params: fit.params, aic };
  }
  if (best === null) throw new Error("exponential smoothing: no variant produced a finite fit");

  const { variant, params } = best;
  const { state, start } = initialState(series, variant.components);
  runFilter(series, variant.components, state, start, params.alpha, params.beta, params.gamma, series.length);
  const reported: Record<string, number> = { alpha: params.alpha };
  if (variant.components.trend) reported.beta = params.beta;
  if (variant.components.seasonal) reported.gamma = params.gamma;
  return {
    method: variant.method,
    predictions: forecastFromState(state, variant.components, series.length, horizon),
    params: reported,
  };
}

interface SmoothingParams {
  alpha: number;
  beta: number;
  gamma: number;
}

function optimise(
  series: readonly number[],
  components: Components,
  errorFrom: number,
  from: Partial<SmoothingParams>,
  options: NelderMeadOptions,
): { params: SmoothingParams; sse: number } | null {
  const { state: initial, start } = initialState(series, components);
  const scratch: SmoothingState = { level: 0, trend: 0, season: new Float64Array(initial.season.length) };
  const free: (keyof SmoothingParams)[] = ["alpha"];
  if (components.trend) free.push("beta");
  if (components.seasonal) free.push("gamma");
  const unpack = (u: ArrayLike<number>): SmoothingParams => {
    const params = { alpha: 0, beta: 0, gamma: 0 };
    free.forEach((name, k) => (params[name] = 1 / (1 + Math.exp(-u[k]))));
    return params;
  };
  const logit = (p: number): number => Math.log(p / (1 - p));
  const minimum = nelderMead(
    (u) => {
      const p = unpack(u);
      scratch.level = initial.level;
      scratch.trend = initial.trend;
      scratch.season.set(initial.season);
      return runFilter(series, components, scratch, start, p.alpha, p.beta, p.gamma, errorFrom);
    },
    free.map((name) => logit(clampOpen(from[name] ?? COLD_START[name]))),
    options,
  );
  return Number.isFinite(minimum.value) ? { params: unpack(minimum.point), sse: minimum.value } : null;
}

// Optimised parameters can round to exactly 0 or 1, where the logit is infinite.
function clampOpen(p: number): number {
  return Math.min(Math.max(p, 1e-6), 1 - 1e-6);
}

function candidateVariants(series: readonly number[], seasonLength: number | null): Variant[] {
  const variants: Variant[] = [variantFor("ses", 1), variantFor("holt", 1)];
  // Two seasons seed the state; a third gives the smoothing parameters something to learn from.
  if (seasonLength !== null && series.length >= 3 * seasonLength) {
    variants.push(variantFor("holt-winters-additive", seasonLength));
    // Multiplicative indices divide by the data, so a single zero makes the model undefined.
    if (series.every((v) => v > 0)) variants.push(variantFor("holt-winters-multiplicative", seasonLength));
  }
  return variants;
}

/** `seasonLength` only matters for the Holt–Winters variants. */
function variantFor(method: ExponentialSmoothingMethod, seasonLength: number): Variant {
  const seasonal: Record<ExponentialSmoothingMethod, SeasonalForm | null> = {
    ses: null,
    holt: null,
    "holt-winters-additive": "additive",
    "holt-winters-multiplicative": "multiplicative",
  };
  const form = seasonal[method];
  return {
    method,
    components: { trend: method !== "ses", seasonal: form, seasonLength },
  };
}
