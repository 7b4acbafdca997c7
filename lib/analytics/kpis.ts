/**
 * Inventory KPIs as pure functions of aggregates: the analytics worker sums in PostgreSQL and
 * hands the totals here, so the definitions live (and are tested) in one place.
 */

/** Days in the year used for days of inventory. */
export const DAYS_PER_YEAR = 365;

export class KpiInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KpiInputError";
  }
}

/** Average inventory as the mean of the period's opening and closing value. */
export function averageOfEnds(begin: number, end: number): number {
  nonNegative("begin", begin);
  nonNegative("end", end);
  return (begin + end) / 2;
}

/** Average inventory as the mean of daily snapshots (the more faithful one when stock swings within the period). */
export function averageOfSnapshots(values: readonly number[]): number {
  if (values.length === 0) throw new KpiInputError("averageOfSnapshots needs at least one snapshot");
  for (const value of values) nonNegative("snapshot", value);
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export interface Turnover {
  /** COGS ÷ average inventory at cost; null when there was no inventory. */
  turns: number | null;
  /** Days the average inventory lasts at the period's rate of sale: period days ÷ turns; null without sales or inventory. */
  daysOfInventory: number | null;
}

/**
 * Inventory turnover over a period: COGS ÷ average inventory at cost, and days of inventory
 * = period days ÷ turns (365 for a year's figures).
 */
export function inventoryTurnover(cogs: number, averageInventory: number, periodDays = DAYS_PER_YEAR): Turnover {
  nonNegative("cogs", cogs);
  nonNegative("averageInventory", averageInventory);
  if (!(periodDays > 0)) throw new KpiInputError(`periodDays must be above 0, got ${periodDays}`);
  if (averageInventory === 0) return { turns: null, daysOfInventory: null };
  const turns = cogs / averageInventory;
  return { turns, daysOfInventory: turns === 0 ? null : periodDays / turns };
}

/** Gross margin return on inventory investment: gross margin ÷ average inventory at cost; null without inventory. */
export function gmroi(revenue: number, cogs: number, averageInventoryCost: number): number | null {
  nonNegative("revenue", revenue);
  nonNegative("cogs", cogs);
  nonNegative("averageInventoryCost", averageInventoryCost);
  return averageInventoryCost === 0 ? null : (revenue - cogs) / averageInventoryCost;
}

/** Sell-through, defined here as units sold ÷ units received in the period; null when nothing was received. */
export function sellThrough(unitsSold: number, unitsReceived: number): number | null {
  nonNegative("unitsSold", unitsSold);
  nonNegative("unitsReceived", unitsReceived);
  return unitsReceived === 0 ? null : unitsSold / unitsReceived;
}

/** Stock-out rate by SKU: SKUs at zero ÷ active SKUs. */
export function stockoutRateBySku(skusAtZero: number, activeSkus: number): number | null {
  return ratio("skusAtZero", skusAtZero, "activeSkus", activeSkus);
}

/** Stock-out rate by demand: units unfilled ÷ units demanded. */
export function stockoutRateByDemand(unitsUnfilled: number, unitsDemanded: number): number | null {
  return ratio("unitsUnfilled", unitsUnfilled, "unitsDemanded", unitsDemanded);
}

/** Fill rate by units, lines or orders: complete (or shipped) ÷ requested. */
export function fillRate(filled: number, requested: number): number | null {
  return ratio("filled", filled, "requested", requested);
}

export type AbcClass = "A" | "B" | "C";

/**
 * ABC classes by annual usage value: items ranked by value, and each item's class set by the
 * cumulative share **including the item** — A while it is ≤ the A cut-off, B while ≤ the B
 * cut-off, else C. Ties in value keep the input order.
 */
export function abcClasses(values: readonly { id: string; value: number }[], cutoffs: { a: number; b: number } = { a: 0.8, b: 0.95 }): { id: string; value: number; share: number; cumulativeShare: number; class: AbcClass }[] {
  if (!(cutoffs.a > 0 && cutoffs.a <= cutoffs.b && cutoffs.b <= 1)) throw new KpiInputError(`cut-offs must satisfy 0 < a ≤ b ≤ 1, got a = ${cutoffs.a}, b = ${cutoffs.b}`);
  for (const item of values) nonNegative(`value of ${item.id}`, item.value);
  const total = values.reduce((sum, item) => sum + item.value, 0);
  let cumulative = 0;
  return values
    .map((item, index) => ({ item, index }))
    .sort((x, y) => y.item.value - x.item.value || x.index - y.index)
    .map(({ item }) => {
      const share = total === 0 ? 0 : item.value / total;
      cumulative += share;
      // Rounding in the running sum must not push an item over a cut-off it sits on.
      const cumulativeShare = Math.min(1, Number(cumulative.toFixed(12)));
      return { id: item.id, value: item.value, share, cumulativeShare, class: cumulativeShare <= cutoffs.a ? "A" : cumulativeShare <= cutoffs.b ? "B" : "C" };
    });
}

export type XyzClass = "X" | "Y" | "Z";

/** Demand over `periods` periods as two sums, so PostgreSQL can add them up and periods without demand still count. */
export interface DemandMoments {
  periods: number;
  sum: number;
  sumOfSquares: number;
}

export function demandMoments(demand: readonly number[]): DemandMoments {
  return { periods: demand.length, sum: demand.reduce((total, value) => total + value, 0), sumOfSquares: demand.reduce((total, value) => total + value * value, 0) };
}

/** Mean, population standard deviation and σ/μ of period demand (cv null when the mean is 0). */
export function coefficientOfVariation({ periods, sum, sumOfSquares }: DemandMoments): { mean: number; std: number; cv: number | null } {
  if (!(periods >= 1)) throw new KpiInputError(`coefficientOfVariation needs at least one period of demand, got ${periods}`);
  const mean = sum / periods;
  // Σx²/n − μ² can dip a rounding error below 0 for constant demand.
  const std = Math.sqrt(Math.max(0, sumOfSquares / periods - mean * mean));
  return { mean, std, cv: mean === 0 ? null : std / mean };
}

/** XYZ class of a coefficient of variation: X below the first threshold, Y below the second, else Z (and Z without demand). */
export function xyzClassOfCv(cv: number | null, thresholds: { x: number; y: number } = { x: 0.5, y: 1 }): XyzClass {
  return cv === null ? "Z" : cv < thresholds.x ? "X" : cv < thresholds.y ? "Y" : "Z";
}

/**
 * XYZ class by the coefficient of variation σ/μ of period demand, σ the population standard
 * deviation: X below the first threshold, Y below the second, else Z (and Z when the mean is 0).
 */
export function xyzClass(demand: readonly number[], thresholds: { x: number; y: number } = { x: 0.5, y: 1 }): { cv: number | null; class: XyzClass } {
  if (demand.length === 0) throw new KpiInputError("xyzClass needs at least one period of demand");
  const { cv } = coefficientOfVariation(demandMoments(demand));
  return { cv, class: xyzClassOfCv(cv, thresholds) };
}

/** Forecast errors (actual − forecast) as sums that PostgreSQL adds up per model, product or week. */
export interface ErrorSums {
  points: number;
  sumError: number;
  sumAbsError: number;
  /** Σ |error| ÷ actual over the points with actual > 0, and how many there were. */
  sumAbsPercentError: number;
  percentPoints: number;
}

export function errorSums(actual: readonly number[], forecast: readonly number[]): ErrorSums {
  samePeriods(actual, forecast);
  const sums: ErrorSums = { points: actual.length, sumError: 0, sumAbsError: 0, sumAbsPercentError: 0, percentPoints: 0 };
  actual.forEach((value, index) => {
    const error = value - forecast[index]!;
    sums.sumError += error;
    sums.sumAbsError += Math.abs(error);
    if (value > 0) {
      sums.sumAbsPercentError += Math.abs(error) / value;
      sums.percentPoints += 1;
    }
  });
  return sums;
}

export interface ForecastAccuracy {
  points: number;
  /** Mean absolute percentage error in percent, over the points with actual > 0; null without any. */
  mape: number | null;
  /** Mean of (actual − forecast); positive means the forecast was too low. */
  bias: number;
  /** Mean absolute deviation of the errors. */
  mad: number;
  /** Running sum of errors ÷ MAD; null when MAD is 0. */
  trackingSignal: number | null;
  /** The tracking signal beyond ±limit: the forecast is biased. */
  outOfControl: boolean;
}

/** MAPE, bias, MAD and tracking signal (control limits ±limit, 4 by default) from error sums. */
export function forecastAccuracy(sums: ErrorSums, limit = 4): ForecastAccuracy {
  if (!(sums.points >= 1)) throw new KpiInputError(`forecast accuracy needs at least one point, got ${sums.points}`);
  const mad = sums.sumAbsError / sums.points;
  const trackingSignal = mad === 0 ? null : sums.sumError / mad;
  return {
    points: sums.points,
    mape: sums.percentPoints === 0 ? null : (100 * sums.sumAbsPercentError) / sums.percentPoints,
    bias: sums.sumError / sums.points,
    mad,
    trackingSignal,
    outOfControl: trackingSignal !== null && Math.abs(trackingSignal) > limit,
  };
}

/** Forecast bias: mean of (actual − forecast); positive means the forecast was too low. */
export function forecastBias(actual: readonly number[], forecast: readonly number[]): number {
  return forecastAccuracy(errorSums(actual, forecast)).bias;
}

/**
 * Tracking signal: running sum of errors (actual − forecast) ÷ mean absolute deviation, with
 * control limits ±limit (4 by default): outside them the forecast is biased.
 */
export function trackingSignal(actual: readonly number[], forecast: readonly number[], limit = 4): { signal: number | null; mad: number; outOfControl: boolean } {
  const accuracy = forecastAccuracy(errorSums(actual, forecast), limit);
  return { signal: accuracy.trackingSignal, mad: accuracy.mad, outOfControl: accuracy.outOfControl };
}

function samePeriods(actual: readonly number[], forecast: readonly number[]): void {
  if (actual.length === 0 || actual.length !== forecast.length) throw new KpiInputError(`actual and forecast need the same, non-zero number of periods, got ${actual.length} and ${forecast.length}`);
}

function ratio(partName: string, part: number, wholeName: string, whole: number): number | null {
  nonNegative(partName, part);
  nonNegative(wholeName, whole);
  return whole === 0 ? null : part / whole;
}

function nonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new KpiInputError(`${name} must be a number ≥ 0, got ${value}`);
}
