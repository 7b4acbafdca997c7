import { z } from "zod";

/**
 * The instants a query may name. Years 1970–9999: every stored time is after 1970, and past
 * 9999 `toISOString()` writes a six-digit "+010000-…" year that PostgreSQL (and Prisma) cannot
 * read, which used to surface as a 500. JS Date itself would go on to +275760.
 */
export const EARLIEST_QUERY_TIME = new Date("1970-01-01T00:00:00.000Z");
export const LATEST_QUERY_TIME = new Date("9999-12-31T23:59:59.999Z");

/** True for a valid Date that PostgreSQL and JS both hold: within EARLIEST_QUERY_TIME..LATEST_QUERY_TIME. */
export function isQueryTime(date: Date): boolean {
  const ms = date.getTime();
  return ms >= EARLIEST_QUERY_TIME.getTime() && ms <= LATEST_QUERY_TIME.getTime();
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const RANGE_MESSAGE = "must be a date (YYYY-MM-DD) or an ISO date-time with an offset (e.g. 2026-11-28T14:00:00Z), from 1970-01-01 to 9999-12-31";
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: RANGE_MESSAGE });

/**
 * A `from`/`to` query parameter as a Date: a day (UTC) stands for its first millisecond at the
 * `start` edge and its last at the `end` edge, so both ends of a range are inclusive. Anything
 * else, or a time outside 1970..9999, is a 422 naming the parameter.
 */
export function dateParam(edge: "start" | "end") {
  return instant.transform((value, context) => {
    const date = DAY.test(value) ? new Date(`${value}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}Z`) : new Date(value);
    if (Number.isNaN(date.getTime()) || !isQueryTime(date)) {
      context.addIssue({ code: "custom", message: RANGE_MESSAGE });
      return z.NEVER;
    }
    return date;
  });
}
