import type { ChainableCommander } from "ioredis";
import type { QueueKey } from "../jobs/catalog";
import { bucketExpiry, bucketStart, FIELD, LEVEL_NAMES, metricsKey, runField, waitField } from "./buckets";
import { slotOf } from "./histogram";
import type { RedisClient } from "../redis";

/** What the worker reports for every completed job and every failed attempt. */
export interface JobOutcome {
  queue: QueueKey;
  status: "completed" | "failed";
  /** A failed attempt after which no attempt is left (the job is in the failed set). */
  final: boolean;
  /** From the moment the job could run (enqueue, or the end of its delay) to the attempt's start. */
  waitMs: number | null;
  /** The attempt's duration. */
  runMs: number | null;
  /** When the attempt ended (ms since the epoch): the bucket it counts in. */
  at: number;
}

/**
 * Counts one outcome into the minute, quarter-hour and hour buckets of its queue, in one round
 * trip. The write is plain HINCRBY, so any number of worker processes add into the same buckets.
 * Throws on Redis trouble; the caller decides whether a lost sample matters.
 */
export async function recordJobOutcome(redis: RedisClient, prefix: string, outcome: JobOutcome): Promise<void> {
  const pipeline = redis.pipeline();
  for (const level of LEVEL_NAMES) {
    const start = bucketStart(outcome.at, level);
    const key = metricsKey(prefix, outcome.queue, level, start);
    if (outcome.status === "completed") pipeline.hincrby(key, FIELD.completed, 1);
    else pipeline.hincrby(key, outcome.final ? FIELD.failed : FIELD.retried, 1);
    if (outcome.waitMs !== null && Number.isFinite(outcome.waitMs)) pipeline.hincrby(key, waitField(slotOf(outcome.waitMs)), 1);
    if (outcome.runMs !== null && Number.isFinite(outcome.runMs)) pipeline.hincrby(key, runField(slotOf(outcome.runMs)), 1);
    pipeline.expireat(key, bucketExpiry(start, level));
  }
  await run(pipeline);
}

/** Counts jobs added to a queue ("jobs in"), in one round trip. */
export async function recordJobsAdded(redis: RedisClient, prefix: string, queue: QueueKey, count: number, at: number): Promise<void> {
  if (count <= 0) return;
  const pipeline = redis.pipeline();
  for (const level of LEVEL_NAMES) {
    const start = bucketStart(at, level);
    const key = metricsKey(prefix, queue, level, start);
    pipeline.hincrby(key, FIELD.added, count);
    pipeline.expireat(key, bucketExpiry(start, level));
  }
  await run(pipeline);
}

/** A pipeline reports per-command errors in its result instead of rejecting; surface the first. */
async function run(pipeline: ChainableCommander): Promise<void> {
  const results = await pipeline.exec();
  const failure = results?.find(([error]) => error);
  if (failure?.[0]) throw failure[0];
}
