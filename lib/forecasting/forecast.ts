import { BENCHMARK_KEYS, BENCHMARKS, type BenchmarkKey } from "./benchmarks";
import { combine, weightedSum, type SelectionMetric } from "./ensemble";
import { ForecastInputError } from "./errors";
import { mape } from "./metrics";
import type { ModelFit } from "./model";
import { MODEL_KEYS, MODELS, type ModelKey } from "./models";
import { detectSeasonality } from "./seasonality";

/** Minimum number of observations `forecast()` accepts: two weeks of daily demand. */
export const MIN_HISTORY = 14;

/** Smallest training part the holdout may leave. */
const MIN_TRAINING = 10;

/** Coverage of the `lower`/`upper` prediction interval. */
export const INTERVAL_LEVEL = 0.8;
const INTERVAL_Z = 1.2815515655446004; // standard normal quantile at 0.9

export interface ForecastOptions {
  /** Number of periods to forecast; a positive integer. */
  horizon: number;
  /** Models to fit and combine; at least one. "seasonal" is skipped when no season length is known. */
  models: readonly ModelKey[];
  /**
   * Observations per season (7 for weekly patterns in daily data, 12 for monthly data).
   * Detected with `detectSeasonality()` when omitted; `null` forces a non-seasonal forecast.
   * Needs at least two seasons plus one observation of history.
   */
  seasonLength?: number | null;
  /**
   * Number of final observations held out to score the models and combine them.
   * Default: min(horizon, 20% of the series), raised to one full season when seasonal so every
   * phase is scored, then reduced if needed so the training part keeps three seasons (two when
   * the series is too short for three) and at least 10 observations; never below 1.
   */
  holdout?: number;
}

/** One forecast the ensemble combines: a requested model or a benchmark. */
export interface CandidateResult<Key extends string> {
  key: Key;
  label: string;
  /** The variant actually used, e.g. "holt-winters-multiplicative", "ses", "ma-7", "seasonal-naive-7". */
  method: string;
  /** Forecast from the model refitted on the full series, floored at zero. */
  predictions: number[];
  /** MAPE (%) of the training fit on the holdout; null when every held-out actual is zero. */
  mape: number | null;
  /** Share of the ensemble; the weights of `models` and `benchmarks` together sum to 1. */
  weight: number;
  /** Parameters of the full-series fit. */
  params: Record<string, number>;
}

export type ModelResult = CandidateResult<ModelKey>;
export type BenchmarkResult = CandidateResult<BenchmarkKey>;

export interface ForecastResult {
  /** Weighted ensemble forecast, length `horizon`, never negative. */
  predictions: number[];
  /** Lower bound of the {@link INTERVAL_LEVEL} prediction interval, never negative. */
  lower: number[];
  /** Upper bound of the {@link INTERVAL_LEVEL} prediction interval. */
  upper: number[];
  /** The requested models that apply, in request order. */
  models: ModelResult[];
  /**
   * Seasonal naive and drift. They take a share only when one beats every model on the holdout,
   * so that the ensemble is never worse there than any single candidate.
   */
  benchmarks: BenchmarkResult[];
  /**
   * MAPE (%) of the ensemble of training fits on the holdout. Never above any model's or
   * benchmark's `mape` (so never above `seasonalNaiveMape`) when every held-out actual is
   * positive; otherwise the same holds for MSE (see `combination.metric`).
   */
  ensembleMape: number | null;
  /**
   * MAPE (%) of the seasonal naive forecast (repeat the last season) on the same holdout, the
   * benchmark a forecast has to beat; the naive forecast (repeat the last value) when there is
   * no seasonality.
   */
  seasonalNaiveMape: number | null;
  /**
   * How the candidates were combined: `weightedShare` of the accuracy-weighted average of the
   * models, the rest from `best`, the candidate with the lowest holdout error by `metric`.
   */
  combination: { weightedShare: number; best: ModelKey | BenchmarkKey; metric: SelectionMetric };
  seasonLength: number | null;
  holdoutSize: number;
}

/**
 * Forecasts a demand series with an ensemble of the requested models.
 *
 * Each model, and the seasonal naive and drift benchmarks, is fitted on the series minus the
 * holdout and scored on the holdout. `combine()` then weights the models by accuracy and, when
 * one candidate beats that average on the holdout, shifts just enough weight to it that the
 * ensemble is no worse there than any single candidate (see `combine()` for why and by which
 * error). Each candidate is refitted on the full series and the same weights combine those
 * forecasts into the result.
 *
 * Prediction intervals assume the error variance grows linearly with the step, as for a random
 * walk: σ₁² is estimated as the mean of e_h² / h over the ensemble's holdout errors and the
 * interval at step h is prediction ± z·σ₁·√h.
 *
 * The series must hold finite numbers; run `preprocess()` first on raw data.
 */
export function forecast(series: readonly number[], options: ForecastOptions): ForecastResult {
  const { horizon } = options;
  validate(series, options);
  const n = series.length;
  const seasonLength = options.seasonLength === undefined ? detectSeasonality(series) : options.seasonLength;
  const holdoutSize = resolveHoldout(n, horizon, seasonLength, options.holdout);
  const train = series.slice(0, n - holdoutSize);
  const actual = series.slice(n - holdoutSize);

  const models: Trained<ModelKey>[] = [];
  for (const key of new Set(options.models)) {
    const model = MODELS[key].train(train, holdoutSize, seasonLength);
    if (model !== null) models.push(trained(key, MODELS[key].label, model.predictions, model.refit));
  }
  if (models.length === 0) {
    const why = options.seasonLength === undefined ? "none was detected" : "none was given";
    throw new ForecastInputError(`no requested model applies: "seasonal" needs a season length and ${why}`);
  }
  const benchmarks = BENCHMARK_KEYS.map((key) => {
    const { fit, label } = BENCHMARKS[key];
    const refit = (x: readonly number[], h: number) => fit(x, h, seasonLength);
    return trained(key, label, refit(train, holdoutSize).predictions, refit);
  });

  const combination = combine(actual, [
    ...models.map((m) => ({ holdout: m.holdout, pooled: true })),
    ...benchmarks.map((b) => ({ holdout: b.holdout, pooled: false })),
  ]);
  const result = <Key extends string>(c: Trained<Key>, index: number): CandidateResult<Key> => {
    const full = c.refit(series, horizon);
    return {
      key: c.key,
      label: c.label,
      method: full.method,
      predictions: full.predictions.map(floorAtZero),
      mape: mape(actual, c.holdout),
      weight: combination.weights[index],
      params: full.params,
    };
  };
  const modelResults = models.map((m, i) => result(m, i));
  const benchmarkResults = benchmarks.map((b, i) => result(b, models.length + i));
  const candidates = [...modelResults, ...benchmarkResults];
  const predictions = weightedSum(
    candidates.map((c) => c.predictions),
    combination.weights,
  );

  const ensembleHoldout = combination.holdout;
  let meanScaledSquare = 0;
  for (let h = 1; h <= holdoutSize; h++) meanScaledSquare += (actual[h - 1] - ensembleHoldout[h - 1]) ** 2 / h;
  const sigma = Math.sqrt(meanScaledSquare / holdoutSize);
  const halfWidth = (index: number): number => INTERVAL_Z * sigma * Math.sqrt(index + 1);

  return {
    predictions,
    lower: predictions.map((p, i) => floorAtZero(p - halfWidth(i))),
    upper: predictions.map((p, i) => p + halfWidth(i)),
    models: modelResults,
    benchmarks: benchmarkResults,
    ensembleMape: mape(actual, ensembleHoldout),
    seasonalNaiveMape: benchmarkResults[BENCHMARK_KEYS.indexOf("seasonal-naive")].mape,
    combination: {
      weightedShare: combination.weightedShare,
      best: candidates[combination.best].key,
      metric: combination.metric,
    },
    seasonLength,
    holdoutSize,
  };
}

/** A candidate fitted on the training part: its holdout forecast and how to refit it. */
interface Trained<Key extends string> {
  key: Key;
  label: string;
  /** Floored at zero, like everything the ensemble forecasts. */
  holdout: number[];
  refit(series: readonly number[], horizon: number): ModelFit;
}

function trained<Key extends string>(
  key: Key,
  label: string,
  holdout: readonly number[],
  refit: Trained<Key>["refit"],
): Trained<Key> {
  return { key, label, holdout: holdout.map(floorAtZero), refit };
}

function validate(series: readonly number[], options: ForecastOptions): void {
  if (!Array.isArray(series) || series.length < MIN_HISTORY) {
    throw new ForecastInputError(
      `forecast needs at least ${MIN_HISTORY} observations, got ${Array.isArray(series) ? series.length : 0}`,
    );
  }
  const bad = series.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad >= 0) {
    throw new ForecastInputError(
      `series[${bad}] is ${String(series[bad])}, not a finite number; run preprocess() first`,
    );
  }
  if (!Number.isInteger(options.horizon) || options.horizon < 1) {
    throw new ForecastInputError(`horizon must be a positive integer, got ${options.horizon}`);
  }
  if (options.models.length === 0) {
    throw new ForecastInputError(`models must name at least one of ${MODEL_KEYS.join(", ")}`);
  }
  const unknown = options.models.find((key) => !MODEL_KEYS.includes(key));
  if (unknown !== undefined) {
    throw new ForecastInputError(`unknown model "${unknown}"; expected one of ${MODEL_KEYS.join(", ")}`);
  }
  const s = options.seasonLength;
  if (s !== undefined && s !== null) {
    if (!Number.isInteger(s) || s < 2) {
      throw new ForecastInputError(`seasonLength must be an integer of at least 2, got ${s}`);
    }
    if (series.length < 2 * s + 1) {
      throw new ForecastInputError(
        `seasonLength ${s} needs at least ${2 * s + 1} observations, got ${series.length}`,
      );
    }
  }
}

function resolveHoldout(n: number, horizon: number, seasonLength: number | null, requested?: number): number {
  if (requested !== undefined) {
    const minTraining = Math.max(MIN_TRAINING, seasonLength === null ? 0 : 2 * seasonLength);
    if (!Number.isInteger(requested) || requested < 1 || n - requested < minTraining) {
      throw new ForecastInputError(
        `holdout must be an integer from 1 to ${n - minTraining} so that ${minTraining} observations ` +
          `remain for training, got ${requested}`,
      );
    }
    return requested;
  }
  let size = Math.min(horizon, Math.floor(0.2 * n));
  if (seasonLength !== null) size = Math.max(size, seasonLength);
  // Three seasons let Holt–Winters be trained; two are the minimum for any seasonal model.
  const seasonsToKeep = seasonLength !== null && n - 3 * seasonLength >= 1 ? 3 : 2;
  const minTraining = Math.max(MIN_TRAINING, seasonLength === null ? 0 : seasonsToKeep * seasonLength);
  return Math.max(1, Math.min(size, n - minTraining));
}

function floorAtZero(v: number): number {
  return v > 0 ? v : 0;
}
