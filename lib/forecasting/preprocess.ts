import { ForecastInputError } from "./errors";
import { detectSeasonality } from "./seasonality";
import { median } from "./stats";

export interface PreprocessOptions {
  /**
   * Season length used to fill gaps and tell seasonal swings from outliers: an integer ≥ 2.
   * Detected with `detectSeasonality()` (default candidates) when omitted; `null` means none.
   * Ignored when the series holds fewer than two seasons.
   */
  seasonLength?: number | null;
  /** Residuals further than this many robust standard deviations (1.4826·MAD) are capped. Default 5. */
  outlierThreshold?: number;
}

export interface PreprocessResult {
  values: number[];
  /** Missing or non-finite observations replaced by interpolation. */
  filledGaps: number;
  /** Observations pulled back to the outlier band. */
  cappedOutliers: number;
  /** Negative observations (returns, corrections) set to zero. */
  clampedNegatives: number;
}

// 1.4826·MAD estimates the standard deviation of normal data; 5 of them leaves genuine peaks alone.
const DEFAULT_THRESHOLD = 5;
const MAD_TO_SD = 1.4826;
// Without seasonality, a week-wide median follows level shifts yet ignores a lone spike.
const NON_SEASONAL_WINDOW = 7;

/**
 * Prepares a demand series for forecasting.
 *
 * 1. Negative values become 0.
 * 2. Gaps (null, NaN, ±Infinity) are filled by linear interpolation between the nearest
 *    observations; leading and trailing gaps take the nearest observation. When the series is
 *    seasonal the interpolation is redone between the nearest observations of the same phase
 *    (a missing Saturday comes from the Saturdays around it).
 * 3. Outliers are capped on residuals, not raw values, so trend and seasonal peaks are not
 *    mistaken for outliers: baseline = centred rolling median over one season (7 points when
 *    non-seasonal), seasonal = per-phase median of value − baseline, residual = the rest.
 *    Residuals outside median ± threshold·1.4826·MAD are pulled to that bound. When over half
 *    the residuals are equal (MAD = 0, typically intermittent demand that is mostly zero) the
 *    band comes from the non-zero residuals and only the upper side is capped, so zeros stay
 *    zeros; if that band is degenerate too, nothing is capped.
 *
 * Throws ForecastInputError when the series has no observed value at all.
 */
export function preprocess(
  series: readonly (number | null | undefined)[],
  options: PreprocessOptions = {},
): PreprocessResult {
  const n = series.length;
  const values = new Array<number>(n).fill(0);
  const observed = new Uint8Array(n);
  let clampedNegatives = 0;
  let filledGaps = n;
  for (let i = 0; i < n; i++) {
    const v = series[i];
    if (typeof v !== "number" || !Number.isFinite(v)) continue;
    if (v < 0) clampedNegatives++;
    values[i] = Math.max(v, 0);
    observed[i] = 1;
    filledGaps--;
  }
  if (filledGaps === n) throw new ForecastInputError(`series has no observed values (length ${n})`);
  fillGaps(values, observed, 1);

  const requested = options.seasonLength;
  if (requested != null && (!Number.isInteger(requested) || requested < 2)) {
    throw new ForecastInputError(`seasonLength must be an integer of at least 2, got ${requested}`);
  }
  const detected = requested === undefined ? detectSeasonality(values) : requested;
  const period = detected !== null && 2 * detected <= n ? detected : 1;
  // Detection needed a gap-free series; now that the season is known, fill from the same phase.
  if (filledGaps > 0 && period > 1) fillGaps(values, observed, period);
  const cappedOutliers = capOutliers(values, period, options.outlierThreshold ?? DEFAULT_THRESHOLD);
  return { values, filledGaps, cappedOutliers, clampedNegatives };
}

/**
 * Fills each gap by linear interpolation between the nearest observations of the same phase
 * (`period` 1: the nearest observations), or copies the one on the side that has one.
 * Gaps without any same-phase observation keep their current value.
 */
function fillGaps(values: number[], observed: Uint8Array, period: number): void {
  const n = values.length;
  for (let t = 0; t < n; t++) {
    if (observed[t]) continue;
    let before = t - period;
    while (before >= 0 && !observed[before]) before -= period;
    let after = t + period;
    while (after < n && !observed[after]) after += period;
    if (before >= 0 && after < n) {
      values[t] = values[before] + ((values[after] - values[before]) * (t - before)) / (after - before);
    } else if (before >= 0) values[t] = values[before];
    else if (after < n) values[t] = values[after];
  }
}

/** Caps outliers in place and returns how many values changed; `period` 1 means non-seasonal. */
function capOutliers(values: number[], period: number, threshold: number): number {
  const n = values.length;
  const baseline = rollingMedian(values, period > 1 ? period : NON_SEASONAL_WINDOW);
  const seasonal = new Float64Array(period);
  if (period > 1) {
    for (let p = 0; p < period; p++) {
      const phase: number[] = [];
      for (let t = p; t < n; t += period) phase.push(values[t] - baseline[t]);
      seasonal[p] = median(phase);
    }
  }
  const expected = baseline.map((b, t) => b + seasonal[t % period]);
  const residuals = values.map((v, t) => v - expected[t]);

  let centre = median(residuals);
  let scale = MAD_TO_SD * median(residuals.map((r) => Math.abs(r - centre)));
  let capLower = true;
  if (scale === 0) {
    const nonZero = residuals.filter((r) => r !== 0);
    centre = median(nonZero);
    scale = MAD_TO_SD * median(nonZero.map((r) => Math.abs(r - centre)));
    capLower = false;
  }
  if (!(scale > 0)) return 0;

  const upper = centre + threshold * scale;
  const lower = capLower ? centre - threshold * scale : Number.NEGATIVE_INFINITY;
  let capped = 0;
  for (let t = 0; t < n; t++) {
    const residual = Math.min(Math.max(residuals[t], lower), upper);
    if (residual === residuals[t]) continue;
    const value = Math.max(expected[t] + residual, 0);
    if (value !== values[t]) {
      values[t] = value;
      capped++;
    }
  }
  return capped;
}

/** Centred rolling median; near the ends the window slides inward so it keeps its full width. */
function rollingMedian(values: readonly number[], width: number): number[] {
  const n = values.length;
  const w = Math.min(width % 2 === 1 ? width : width + 1, n);
  const half = w >> 1;
  const window = new Float64Array(w);
  return values.map((_, t) => {
    const from = Math.min(Math.max(t - half, 0), n - w);
    for (let k = 0; k < w; k++) window[k] = values[from + k];
    window.sort();
    return w % 2 === 1 ? window[half] : (window[half - 1] + window[half]) / 2;
  });
}
