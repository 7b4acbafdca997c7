const DAY_MS = 86_400_000;

/**
 * Turns dated observations into a contiguous daily series from the first to the last date; days
 * with no row become null so preprocessing can tell a gap from a day of zero sales.
 */
export function dailySeries(rows: readonly { date: Date; quantity: number }[]): {
  values: (number | null)[];
  start: Date;
  end: Date;
} {
  if (rows.length === 0) throw new Error("dailySeries needs at least one observation");
  const start = startOfUtcDay(rows[0]!.date);
  const end = startOfUtcDay(rows[rows.length - 1]!.date);
  const values: (number | null)[] = new Array(Math.round((end.getTime() - start.getTime()) / DAY_MS) + 1).fill(null);
  for (const row of rows) values[Math.round((startOfUtcDay(row.date).getTime() - start.getTime()) / DAY_MS)] = row.quantity;
  return { values, start, end };
}

/** The `horizon` days following `lastDate`. */
export function forecastDates(lastDate: Date, horizon: number): Date[] {
  const start = startOfUtcDay(lastDate).getTime();
  return Array.from({ length: horizon }, (_, index) => new Date(start + (index + 1) * DAY_MS));
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
