import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { excerpt } from "../api/errors";

/**
 * When a schedule runs: a cron pattern read in an IANA time zone (plants run on local time), or a
 * fixed interval. Checked with the cron parser BullMQ itself uses, so a pattern accepted here is
 * one BullMQ's job scheduler can compute ticks for, and next run times shown in the UI are the
 * times BullMQ will run them.
 */
export type ScheduleTiming = { cron: string; everyMs?: undefined; timezone: string } | { cron?: undefined; everyMs: number; timezone: string };

/** Shortest interval a schedule may have: a schedule is for planning runs, not for polling. */
export const MIN_EVERY_MS = 60_000;
export const MAX_EVERY_MS = 366 * 24 * 3_600_000;

/**
 * Why `pattern` is not a cron pattern, or undefined when it is one. Five fields (minute to day of
 * week): the seconds field BullMQ also accepts would let a schedule tick every second.
 */
export function cronProblem(pattern: string): string | undefined {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  try {
    CronExpressionParser.parse(pattern);
    return undefined;
  } catch (error) {
    return `is not a valid cron pattern: ${(error as Error).message}`;
  }
}

/** The zone's canonical IANA name, or undefined when Intl does not know it. */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export const cronSchema = z
  .string({ error: "must be a string" })
  .trim()
  .max(100, "must be at most 100 characters")
  .superRefine((pattern, context) => {
    const problem = cronProblem(pattern);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

export const timeZoneSchema = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .transform((zone, context) => {
    const canonical = canonicalTimeZone(zone);
    if (!canonical) {
      context.addIssue({ code: "custom", message: `"${excerpt(zone)}" is not a time zone (use an IANA name such as Europe/Berlin)` });
      return z.NEVER;
    }
    return canonical;
  });

export const everyMsSchema = z
  .number({ error: "must be a number of milliseconds" })
  .int("must be a whole number of milliseconds")
  .min(MIN_EVERY_MS, `must be at least ${MIN_EVERY_MS} (one minute)`)
  .max(MAX_EVERY_MS, "must be at most a year");

/**
 * The next `count` run times after `from`. For an interval they follow BullMQ's arithmetic (ticks
 * aligned to multiples of the interval since the epoch); `from` is BullMQ's own next tick when the
 * scheduler reported one.
 */
export function nextRunTimes(timing: ScheduleTiming, count: number, from: Date = new Date()): Date[] {
  if (timing.everyMs !== undefined) {
    const first = Math.floor(from.getTime() / timing.everyMs) * timing.everyMs + timing.everyMs;
    return Array.from({ length: count }, (_, index) => new Date(first + index * timing.everyMs));
  }
  const interval = CronExpressionParser.parse(timing.cron, { tz: timing.timezone, currentDate: from });
  return interval.take(count).map((date) => date.toDate());
}
