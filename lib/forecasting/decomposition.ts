export type SeasonalForm = "additive" | "multiplicative";

export interface Decomposition {
  /** Centred moving average; NaN where the window runs off either end of the series. */
  trend: Float64Array;
  /** One seasonal index per phase, phase 0 being the series' first observation. */
  figure: Float64Array;
}

/**
 * Classical decomposition, numerically identical to R's `decompose()` because Holt–Winters
 * start values must match R's `HoltWinters()`: a centred moving average of one season (the
 * 2×s average when s is even), then per-phase means of the detrended values, normalised to
 * sum to zero (additive) or average one (multiplicative).
 * Needs at least two full seasons so every phase has a detrended value.
 */
export function decompose(x: ArrayLike<number>, seasonLength: number, form: SeasonalForm): Decomposition {
  const n = x.length;
  if (!canDecompose(n, seasonLength)) {
    throw new RangeError(`decompose needs two seasons (${2 * seasonLength} observations), got ${n}`);
  }
  const half = seasonLength >> 1;
  const even = seasonLength % 2 === 0;
  const trend = new Float64Array(n).fill(Number.NaN);
  for (let i = half; i < n - half; i++) {
    let sum = 0;
    for (let j = i - half; j <= i + half; j++) sum += x[j];
    if (even) sum -= (x[i - half] + x[i + half]) / 2;
    trend[i] = sum / seasonLength;
  }

  const figure = new Float64Array(seasonLength);
  const counts = new Float64Array(seasonLength);
  for (let i = half; i < n - half; i++) {
    const phase = i % seasonLength;
    figure[phase] += form === "additive" ? x[i] - trend[i] : x[i] / trend[i];
    counts[phase]++;
  }
  let total = 0;
  for (let p = 0; p < seasonLength; p++) {
    figure[p] /= counts[p];
    total += figure[p];
  }
  const centre = total / seasonLength;
  for (let p = 0; p < seasonLength; p++) {
    figure[p] = form === "additive" ? figure[p] - centre : figure[p] / centre;
  }
  return { trend, figure };
}

/** Whether a series of `length` observations holds the two full seasons `decompose()` needs. */
export function canDecompose(length: number, seasonLength: number): boolean {
  return length >= 2 * seasonLength;
}
