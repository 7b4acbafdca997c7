/**
 * Mean absolute percentage error, in percent. Periods with a zero actual are skipped because
 * their percentage error is undefined; returns null when every actual is zero.
 */
export function mape(actual: readonly number[], predicted: readonly number[]): number | null {
  assertSameLength(actual, predicted);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue;
    sum += Math.abs((actual[i] - predicted[i]) / actual[i]);
    count++;
  }
  return count === 0 ? null : (100 * sum) / count;
}

/** Mean squared error; defined for zero actuals, which is why ensemble weights use it. */
export function mse(actual: readonly number[], predicted: readonly number[]): number {
  assertSameLength(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i] - predicted[i]) ** 2;
  return sum / actual.length;
}

function assertSameLength(actual: readonly number[], predicted: readonly number[]): void {
  if (actual.length !== predicted.length || actual.length === 0) {
    throw new RangeError(
      `actual and predicted must be non-empty and of equal length, got ${actual.length} and ${predicted.length}`,
    );
  }
}
