/**
 * Fixed log-spaced histogram of durations in milliseconds. Every worker process and every bucket
 * uses the same boundaries, so histograms from different processes and different minutes merge by
 * plain addition (HINCRBY on the same field) and percentiles can be read from any sum of them.
 *
 * Boundaries follow a 1-2-5 series from 5 ms to 1 h: within a factor of 2-2.5 of the true value
 * before interpolation, which is enough to tell "seconds" from "minutes" on a dashboard while
 * keeping each bucket to a few dozen hash fields.
 */
export const DURATION_BOUNDS_MS: readonly number[] = [
  5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000,
  1_800_000, 3_600_000,
];

/** Number of slots: one per upper bound plus the overflow slot for values above the last bound. */
export const HISTOGRAM_SLOTS = DURATION_BOUNDS_MS.length + 1;

/** Slot of a duration: the first bound it does not exceed; negative durations (clock skew) count as 0. */
export function slotOf(ms: number): number {
  const value = Math.max(0, ms);
  for (let index = 0; index < DURATION_BOUNDS_MS.length; index++) {
    if (value <= DURATION_BOUNDS_MS[index]!) return index;
  }
  return DURATION_BOUNDS_MS.length;
}

export type Histogram = number[];

export function emptyHistogram(): Histogram {
  return new Array<number>(HISTOGRAM_SLOTS).fill(0);
}

export function addHistogram(into: Histogram, other: Histogram): Histogram {
  for (let index = 0; index < HISTOGRAM_SLOTS; index++) into[index] = (into[index] ?? 0) + (other[index] ?? 0);
  return into;
}

/**
 * The `p`-quantile (0 < p ≤ 1) estimated from the histogram: the slot holding the rank p·n, with
 * linear interpolation inside it between its lower and upper bound. The overflow slot has no upper
 * bound, so a rank landing there answers the last bound (a floor, said as such by the UI). Null
 * when the histogram is empty.
 */
export function percentile(histogram: Histogram, p: number): number | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = p * total;
  let cumulative = 0;
  for (let index = 0; index < HISTOGRAM_SLOTS; index++) {
    const count = histogram[index] ?? 0;
    if (count === 0) continue;
    if (cumulative + count >= rank) {
      if (index === DURATION_BOUNDS_MS.length) return DURATION_BOUNDS_MS[index - 1]!;
      const lower = index === 0 ? 0 : DURATION_BOUNDS_MS[index - 1]!;
      const upper = DURATION_BOUNDS_MS[index]!;
      const within = (rank - cumulative) / count;
      return Math.round(lower + (upper - lower) * within);
    }
    cumulative += count;
  }
  return DURATION_BOUNDS_MS[DURATION_BOUNDS_MS.length - 1]!;
}
