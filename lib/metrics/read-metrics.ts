import { QUEUE_KEYS, type QueueKey } from "../jobs/catalog";
import {
  addBucket,
  bucketStarts,
  coveredMinutes,
  emptyBucket,
  FIELD,
  LEVELS,
  metricsKey,
  parseBucket,
  RANGES,
  ratePerMinute,
  type BucketCounts,
  type MetricsRange,
} from "./buckets";
import { percentile } from "./histogram";
import type { RedisClient } from "../redis";

/** One point of a chart series. Per-minute figures are averaged over the part of the bucket that has passed. */
export interface MetricsPoint {
  /** Bucket start, ISO. */
  at: string;
  added: number;
  completed: number;
  failed: number;
  retried: number;
  completedPerMinute: number;
  failedPerMinute: number;
  /** Milliseconds; null when no job ended in the bucket. */
  waitP50: number | null;
  waitP95: number | null;
  runP50: number | null;
  runP95: number | null;
}

export interface MetricsSeries {
  queue: QueueKey | "all";
  range: MetricsRange;
  bucketMs: number;
  points: MetricsPoint[];
  totals: { added: number; completed: number; failed: number; retried: number; waitP50: number | null; waitP95: number | null; runP50: number | null; runP95: number | null };
}

/** The chart series of one queue or of all queues summed, read from the workers' buckets. */
export async function readMetricsSeries(
  redis: RedisClient,
  prefix: string,
  { queue, range, now = Date.now() }: { queue: QueueKey | "all"; range: MetricsRange; now?: number },
): Promise<MetricsSeries> {
  const { level, buckets } = RANGES[range];
  const starts = bucketStarts(now, level, buckets);
  const queues = queue === "all" ? QUEUE_KEYS : [queue];
  const pipeline = redis.pipeline();
  for (const key of queues) for (const start of starts) pipeline.hgetall(metricsKey(prefix, key, level, start));
  const results = (await pipeline.exec()) ?? [];
  const merged = starts.map(() => emptyBucket());
  results.forEach(([error, hash], index) => {
    if (error) throw error;
    addBucket(merged[index % starts.length]!, parseBucket(hash as Record<string, string>));
  });
  const total = merged.reduce((sum, bucket) => addBucket(sum, bucket), emptyBucket());
  return {
    queue,
    range,
    bucketMs: LEVELS[level].sizeMs,
    points: merged.map((bucket, index) => toPoint(bucket, starts[index]!, coveredMinutes(starts[index]!, level, now))),
    totals: {
      added: total.added,
      completed: total.completed,
      failed: total.failed,
      retried: total.retried,
      waitP50: percentile(total.wait, 0.5),
      waitP95: percentile(total.wait, 0.95),
      runP50: percentile(total.run, 0.5),
      runP95: percentile(total.run, 0.95),
    },
  };
}

function toPoint(bucket: BucketCounts, start: number, minutes: number): MetricsPoint {
  return {
    at: new Date(start).toISOString(),
    added: bucket.added,
    completed: bucket.completed,
    failed: bucket.failed,
    retried: bucket.retried,
    completedPerMinute: round2(bucket.completed / minutes),
    failedPerMinute: round2(bucket.failed / minutes),
    waitP50: percentile(bucket.wait, 0.5),
    waitP95: percentile(bucket.wait, 0.95),
    runP50: percentile(bucket.run, 0.5),
    runP95: percentile(bucket.run, 0.95),
  };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Current throughput of a queue: jobs in and out per minute (last 5 min) and failures over the last hour. */
export interface QueueRates {
  inPerMinute: number;
  outPerMinute: number;
  /** Share of finished jobs that failed their last attempt over the last 60 minutes, 0-1; null when none finished. */
  failureRate: number | null;
  completedLastHour: number;
  failedLastHour: number;
}

/** Rates of every queue in one round trip (60 minute buckets × 3 fields each). */
export async function readQueueRates(redis: RedisClient, prefix: string, now = Date.now()): Promise<Record<QueueKey, QueueRates>> {
  const starts = bucketStarts(now, "minute", 60);
  const pipeline = redis.pipeline();
  for (const key of QUEUE_KEYS) for (const start of starts) pipeline.hmget(metricsKey(prefix, key, "minute", start), FIELD.added, FIELD.completed, FIELD.failed);
  const results = (await pipeline.exec()) ?? [];
  const rates = {} as Record<QueueKey, QueueRates>;
  QUEUE_KEYS.forEach((key, queueIndex) => {
    const rows = results.slice(queueIndex * starts.length, (queueIndex + 1) * starts.length).map(([error, values]) => {
      if (error) throw error;
      return (values as (string | null)[]).map((value) => Number(value ?? 0) || 0);
    });
    const added = rows.map((row) => row[0]!);
    const out = rows.map((row) => row[1]! + row[2]!);
    const completedLastHour = rows.reduce((sum, row) => sum + row[1]!, 0);
    const failedLastHour = rows.reduce((sum, row) => sum + row[2]!, 0);
    const finished = completedLastHour + failedLastHour;
    rates[key] = {
      inPerMinute: ratePerMinute(added, now),
      outPerMinute: ratePerMinute(out, now),
      failureRate: finished === 0 ? null : Math.round((failedLastHour / finished) * 10_000) / 10_000,
      completedLastHour,
      failedLastHour,
    };
  });
  return rates;
}
