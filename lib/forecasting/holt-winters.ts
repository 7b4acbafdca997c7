import { decompose, type SeasonalForm } from "./decomposition";
import { ForecastInputError } from "./errors";
import { fitLine } from "./stats";

export interface HoltWintersOptions {
  /** Level smoothing parameter, in (0, 1]. */
  alpha: number;
  /** Trend smoothing parameter in [0, 1], or `false` for no trend component (R's `beta = FALSE`). */
  beta: number | false;
  /** Seasonal smoothing parameter in [0, 1], or `false` for no seasonal component (R's `gamma = FALSE`). */
  gamma: number | false;
  /** Observations per season; required unless `gamma` is `false`. */
  seasonLength?: number;
  /** How the seasonal component combines with level and trend. Defaults to "additive", as in R. */
  seasonal?: SeasonalForm;
}

export interface HoltWintersResult {
  /** Final level (R's coefficient `a`). */
  level: number;
  /** Final trend (R's coefficient `b`); 0 without a trend component. */
  trend: number;
  /** Seasonal indices for the next season, next period first (R's `s1..sf`); empty without seasonality. */
  seasonals: number[];
  /** One-step-ahead fitted values for `series[start..]`. */
  fitted: number[];
  /** Index of the first observation that has a fitted value. */
  start: number;
  /** Sum of squared one-step-ahead errors over `fitted`. */
  sse: number;
  /** Forecasts for 1..horizon steps past the end of the series, as R's `predict()`. */
  forecast(horizon: number): number[];
}

export interface Components {
  trend: boolean;
  /** null for no seasonal component. */
  seasonal: SeasonalForm | null;
  /** Ignored when `seasonal` is null. */
  seasonLength: number;
}

/** Filter state. `season` is a ring indexed by observation index modulo the season length. */
export interface SmoothingState {
  level: number;
  trend: number;
  season: Float64Array;
}

/**
 * Start values and first filtered index exactly as R's `HoltWinters()` chooses them, so the
 * filter reproduces R given R's parameters:
 * - level only: level = x[0], filtering from x[1];
 * - level + trend: level = x[1], trend = x[1] - x[0], filtering from x[2];
 * - seasonal: `decompose()` of the first two seasons; level and trend are the intercept and
 *   slope of a regression of the decomposed trend on 1, 2, …; the seasonal figure seeds the
 *   season, and filtering starts at x[seasonLength] (R's `start.time = f + 1`).
 */
export function initialState(
  series: readonly number[],
  components: Components,
): { state: SmoothingState; start: number } {
  const start = firstForecastIndex(components);
  if (components.seasonal === null) {
    const state = components.trend
      ? { level: series[1], trend: series[1] - series[0], season: new Float64Array(0) }
      : { level: series[0], trend: 0, season: new Float64Array(0) };
    return { state, start };
  }
  const s = components.seasonLength;
  const { trend, figure } = decompose(series.slice(0, 2 * s), s, components.seasonal);
  const defined = trend.filter((v) => !Number.isNaN(v));
  const line = fitLine(defined);
  // R regresses on x = 1, 2, …, so its intercept sits one step before our x = 0.
  return {
    state: {
      level: line.intercept - line.slope,
      trend: components.trend ? line.slope : 0,
      season: figure,
    },
    start,
  };
}

/** Index of the first observation the filter forecasts; see {@link initialState}. */
export function firstForecastIndex(components: Components): number {
  if (components.seasonal !== null) return components.seasonLength;
  return components.trend ? 2 : 1;
}

/**
 * Runs the Holt–Winters recursions (R's C_HoltWinters) from `start`, updating `state` in place.
 * Squared one-step errors are summed from index `errorFrom` (≥ start), which lets models with
 * different start indices be scored on the same observations. Writes one-step forecasts into
 * `fitted[i - start]` when given.
 */
export function runFilter(
  x: ArrayLike<number>,
  components: Components,
  state: SmoothingState,
  start: number,
  alpha: number,
  beta: number,
  gamma: number,
  errorFrom: number,
  fitted?: number[],
): number {
  const n = x.length;
  const multiplicative = components.seasonal === "multiplicative";
  const seasonal = components.seasonal !== null;
  const s = seasonal ? components.seasonLength : 1;
  const season = state.season;
  let level = state.level;
  let trend = state.trend;
  let phase = start % s;
  let sse = 0;
  for (let i = start; i < n; i++) {
    const xi = x[i];
    const base = level + trend;
    let xhat: number;
    let newLevel: number;
    let seasonIndex = 0;
    if (!seasonal) {
      xhat = base;
      newLevel = alpha * xi + (1 - alpha) * base;
    } else if (multiplicative) {
      seasonIndex = season[phase];
      xhat = base * seasonIndex;
      newLevel = alpha * (xi / seasonIndex) + (1 - alpha) * base;
    } else {
      seasonIndex = season[phase];
      xhat = base + seasonIndex;
      newLevel = alpha * (xi - seasonIndex) + (1 - alpha) * base;
    }
    if (i >= errorFrom) sse += (xi - xhat) * (xi - xhat);
    if (fitted) fitted[i - start] = xhat;
    if (components.trend) trend = beta * (newLevel - level) + (1 - beta) * trend;
    level = newLevel;
    if (seasonal) {
      season[phase] = gamma * (multiplicative ? xi / level : xi - level) + (1 - gamma) * seasonIndex;
      if (++phase === s) phase = 0;
    }
  }
  state.level = level;
  state.trend = trend;
  return sse;
}

/** h-step forecasts from the state after filtering all `n` observations. */
export function forecastFromState(state: SmoothingState, components: Components, n: number, horizon: number): number[] {
  const out = new Array<number>(horizon);
  const s = components.seasonLength;
  for (let h = 1; h <= horizon; h++) {
    const base = state.level + h * state.trend;
    if (components.seasonal === null) out[h - 1] = base;
    else {
      const index = state.season[(n + h - 1) % s];
      out[h - 1] = components.seasonal === "multiplicative" ? base * index : base + index;
    }
  }
  return out;
}

/**
 * Holt–Winters filtering with given parameters, reproducing R's `HoltWinters()` (stats) start
 * values and recursions, and `predict()` for forecasts. `beta: false` / `gamma: false` give
 * Holt's linear method and simple exponential smoothing as in R.
 */
export function holtWinters(series: readonly number[], options: HoltWintersOptions): HoltWintersResult {
  const components: Components = {
    trend: options.beta !== false,
    seasonal: options.gamma === false ? null : (options.seasonal ?? "additive"),
    seasonLength: options.seasonLength ?? 1,
  };
  const s = components.seasonLength;
  if (components.seasonal !== null && (!Number.isInteger(s) || s < 2)) {
    throw new ForecastInputError(`seasonLength must be an integer of at least 2, got ${options.seasonLength}`);
  }
  const minLength = components.seasonal !== null ? 2 * s : components.trend ? 3 : 2;
  if (series.length < minLength) {
    throw new ForecastInputError(`holtWinters needs at least ${minLength} observations, got ${series.length}`);
  }
  const { state, start } = initialState(series, components);
  const fitted = new Array<number>(series.length - start);
  const sse = runFilter(
    series,
    components,
    state,
    start,
    options.alpha,
    options.beta === false ? 0 : options.beta,
    options.gamma === false ? 0 : options.gamma,
    start,
    fitted,
  );
  const n = series.length;
  const seasonals: number[] = [];
  if (components.seasonal !== null) for (let k = 0; k < s; k++) seasonals.push(state.season[(n + k) % s]);
  return {
    level: state.level,
    trend: state.trend,
    seasonals,
    fitted,
    start,
    sse,
    forecast: (horizon) => forecastFromState(state, components, n, horizon),
  };
}
