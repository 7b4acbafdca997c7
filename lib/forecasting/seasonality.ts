import { median } from "./stats";

/** Weekly seasonality of daily demand; pass e.g. `[12]` for monthly data. */
export const DEFAULT_SEASON_CANDIDATES: readonly number[] = [7];

// One-sided 1%: a false season costs extra parameters on thousands of series, while a real
// weekly pattern in a few months of daily data clears this easily.
const CRITICAL_Z = 2.3263478740408408;
// Differences beyond 5 robust standard deviations are clipped so one spike cannot mask a season.
const CLIP_SDS = 5 * 1.4826;

/**
 * Returns the candidate season length with the strongest significant autocorrelation, or null.
 *
 * Works on first differences so a trend (deterministic or random-walk) does not make every lag
 * look correlated, clipped to median ± 5·1.4826·MAD so an outlier's two huge differences do not
 * swamp the correlation (clipping a periodic pattern leaves it periodic). A candidate m
 * qualifies when the lag-m autocorrelation r_m is positive, exceeds 2.326 Bartlett standard
 * errors, sqrt((1 + 2·Σ_{k<m} r_k²) / N), and is a local peak
 * (r_m > r_{m−1} and r_m ≥ r_{m+1}); the peak test rejects slowly decaying correlation that
 * clears the threshold at every lag. Candidates need at least two seasons plus one observation.
 */
export function detectSeasonality(
  series: readonly number[],
  candidates: readonly number[] = DEFAULT_SEASON_CANDIDATES,
): number | null {
  const usable = candidates.filter((m) => Number.isInteger(m) && m >= 2 && series.length >= 2 * m + 1);
  if (usable.length === 0) return null;
  const diffs = new Float64Array(series.length - 1);
  for (let i = 1; i < series.length; i++) diffs[i - 1] = series[i] - series[i - 1];
  clip(diffs);
  const acf = autocorrelations(diffs, Math.max(...usable) + 1);
  if (acf === null) return null;

  let best: number | null = null;
  for (const m of usable) {
    const r = acf[m];
    let sumSquares = 0;
    for (let k = 1; k < m; k++) sumSquares += acf[k] * acf[k];
    const standardError = Math.sqrt((1 + 2 * sumSquares) / diffs.length);
    const peak = r > acf[m - 1] && r >= acf[m + 1];
    if (r > 0 && r > CRITICAL_Z * standardError && peak && (best === null || r > acf[best])) best = m;
  }
  return best;
}

function clip(x: Float64Array): void {
  const centre = median(x);
  const spread = median(x.map((v) => Math.abs(v - centre)));
  if (spread === 0) return;
  const lower = centre - CLIP_SDS * spread;
  const upper = centre + CLIP_SDS * spread;
  for (let i = 0; i < x.length; i++) x[i] = Math.min(Math.max(x[i], lower), upper);
}

/**
 * Sample autocorrelations r_0..r_maxLag for maxLag < x.length, with R's acf() (biased)
 * estimator; null for a constant series.
 */
function autocorrelations(x: Float64Array, maxLag: number): Float64Array | null {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const centred = x.map((v) => v - mean);
  let variance = 0;
  for (let i = 0; i < n; i++) variance += centred[i] * centred[i];
  if (variance === 0) return null;
  const acf = new Float64Array(maxLag + 1);
  for (let k = 0; k <= maxLag; k++) {
    let sum = 0;
    for (let i = k; i < n; i++) sum += centred[i] * centred[i - k];
    acf[k] = sum / variance;
  }
  return acf;
}
