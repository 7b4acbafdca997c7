import type { QueueKey } from "../jobs/catalog";
import { emptyHistogram, HISTOGRAM_SLOTS, type Histogram } from "./histogram";

/**
 * Time buckets of the metrics history. Each outcome is counted at every level when it is written
 * (no roll-up job to schedule or to miss), and every bucket key expires on its own, so the
 * history stays bounded without a cron: about 3 h of minutes (the "hour" range plus margin), 26 h
 * of quarter hours (the "day" range) and 8 days of hours (the "week" range).
 */
export const LEVELS = {
  minute: { sizeMs: 60_000, keepMs: 3 * 3_600_000 },
  quarter: { sizeMs: 15 * 60_000, keepMs: 26 * 3_600_000 },
  hour: { sizeMs: 3_600_000, keepMs: 8 * 86_400_000 },
} as const;

export type Level = keyof typeof LEVELS;
export const LEVEL_NAMES = Object.keys(LEVELS) as Level[];

/** The chart ranges and the bucket level and count each reads. */
export const RANGES = {
  hour: { level: "minute", buckets: 60 },
  day: { level: "quarter", buckets: 96 },
  week: { level: "hour", buckets: 168 },
} as const satisfies Record<string, { level: Level; buckets: number }>;

export type MetricsRange = keyof typeof RANGES;
export const METRICS_RANGES = Object.keys(RANGES) as MetricsRange[];

/** Hash fields of one bucket. */
export const FIELD = {
  added: "in",
  completed: "ok",
  /** Jobs that failed their last attempt. */
  failed: "fail",
  /** Attempts that failed and will be retried. */
  retried: "retry",
} as const;

export const waitField = (slot: number) => `w${slot}`;
export const runField = (slot: number) => `r${slot}`;

export function bucketStart(at: number, level: Level): number {
  const size = LEVELS[level].sizeMs;
  return Math.floor(at / size) * size;
}

/** When a bucket's key expires: its end plus the level's retention, in whole seconds (EXPIREAT). */
export function bucketExpiry(start: number, level: Level): number {
  return Math.ceil((start + LEVELS[level].sizeMs + LEVELS[level].keepMs) / 1000);
}

/** Under the BullMQ prefix, which is hash-tagged, so every metrics key sits in one Cluster slot. */
export function metricsKey(prefix: string, queue: QueueKey, level: Level, start: number): string {
  return `${prefix}:metrics:${queue}:${level}:${start}`;
}

/** Start times of the `count` buckets ending with the one that holds `now`, oldest first. */
export function bucketStarts(now: number, level: Level, count: number): number[] {
  const size = LEVELS[level].sizeMs;
  const last = bucketStart(now, level);
  return Array.from({ length: count }, (_, index) => last - (count - 1 - index) * size);
}

/** One bucket as numbers. */
export interface BucketCounts {
  added: number;
  completed: number;
  failed: number;
  retried: number;
  wait: Histogram;
  run: Histogram;
}

export function emptyBucket(): BucketCounts {
  return { added: 0, completed: 0, failed: 0, retried: 0, wait: emptyHistogram(), run: emptyHistogram() };
}

/** Reads a bucket hash (HGETALL answer; `{}` for a bucket nobody wrote). */
export function parseBucket(hash: Record<string, string> | null | undefined): BucketCounts {
  const bucket = emptyBucket();
  if (!hash) return bucket;
  const number = (field: string) => Number(hash[field] ?? 0) || 0;
  bucket.added = number(FIELD.added);
  bucket.completed = number(FIELD.completed);
  bucket.failed = number(FIELD.failed);
  bucket.retried = number(FIELD.retried);
  for (let slot = 0; slot < HISTOGRAM_SLOTS; slot++) {
    bucket.wait[slot] = number(waitField(slot));
    bucket.run[slot] = number(runField(slot));
  }
  return bucket;
}

export function addBucket(into: BucketCounts, other: BucketCounts): BucketCounts {
  into.added += other.added;
  into.completed += other.completed;
  into.failed += other.failed;
  into.retried += other.retried;
  for (let slot = 0; slot < HISTOGRAM_SLOTS; slot++) {
    into.wait[slot]! += other.wait[slot] ?? 0;
    into.run[slot]! += other.run[slot] ?? 0;
  }
  return into;
}

/**
 * Minutes a bucket has covered by `now`: its full size once over, the elapsed part for the
 * current one (at least one minute, so a bucket a few seconds old does not read as a spike).
 */
export function coveredMinutes(start: number, level: Level, now: number): number {
  const size = LEVELS[level].sizeMs;
  const elapsed = Math.min(size, Math.max(0, now - start));
  return Math.max(1, elapsed / 60_000);
}

/** The window the current in/out rates are measured over. */
export const RATE_WINDOW_MINUTES = 5;

/**
 * Jobs per minute over the last RATE_WINDOW_MINUTES: the four full minutes before the current one
 * plus the elapsed part of the current minute. `counts` are per minute bucket, oldest first,
 * ending with the current minute.
 */
export function ratePerMinute(counts: readonly number[], now: number): number {
  const window = counts.slice(-RATE_WINDOW_MINUTES);
  const elapsedCurrent = (now - bucketStart(now, "minute")) / 60_000;
  const minutes = window.length - 1 + elapsedCurrent;
  if (minutes <= 0) return 0;
  const total = window.reduce((sum, count) => sum + count, 0);
  return Math.round((total / minutes) * 100) / 100;
}
