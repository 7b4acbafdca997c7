/** Median of the values; NaN for an empty input. Copies, so the caller's data is untouched. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Line {
  intercept: number;
  slope: number;
}

/**
 * Least-squares line through `y[from..to)` against x = 0, 1, 2, … (x counted from `from`).
 * A single point gives a flat line.
 */
export function fitLine(y: ArrayLike<number>, from = 0, to = y.length): Line {
  const m = to - from;
  const xMean = (m - 1) / 2;
  let yMean = 0;
  for (let i = from; i < to; i++) yMean += y[i];
  yMean /= m;
  let sxy = 0;
  let sxx = 0;
  for (let i = from; i < to; i++) {
    const dx = i - from - xMean;
    sxy += dx * (y[i] - yMean);
    sxx += dx * dx;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: yMean - slope * xMean, slope };
}
