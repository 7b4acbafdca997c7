import type { ChainableCommander } from "ioredis";
import type { QueueKey } from "../jobs/catalog";
import { bucketExpiry, bucketStart, FIELD, LEVEL_NAMES, metricsKey, runField, waitField } from "./buckets";
import { HISTOGRAM_SLOTS, slotOf } from "./histogram";
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
  countTotals(pipeline, prefix, outcome);
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
  pipeline.hincrby(jobTotalsKey(prefix, queue), FIELD.added, count);
  await run(pipeline);
}

/**
 * Since-ever totals of a queue, beside the expiring buckets: Prometheus wants counters that only
 * grow (it computes rates itself and copes with resets), which buckets that expire cannot give.
 * One hash per queue that never expires and never grows past its fixed fields; every worker
 * process adds into it in the pipeline it already sends, so the scrape of any web instance reads
 * the whole cluster's counts (lib/observability/cluster-metrics.ts).
 */
export function jobTotalsKey(prefix: string, queue: QueueKey): string {
  return `${prefix}:metrics:${queue}:total`;
}

/** Fields of the totals hash besides FIELD's counts: run-time histograms per outcome, the wait histogram, and their sums in ms. */
const totalRunField = (status: JobOutcome["status"], slot: number) => `${status}:r${slot}`;
const totalRunSumField = (status: JobOutcome["status"]) => `${status}:rsum`;
const TOTAL_WAIT_SUM_FIELD = "wsum";

function countTotals(pipeline: ChainableCommander, prefix: string, outcome: JobOutcome): void {
  const key = jobTotalsKey(prefix, outcome.queue);
  pipeline.hincrby(key, outcome.status === "completed" ? FIELD.completed : outcome.final ? FIELD.failed : FIELD.retried, 1);
  if (outcome.runMs !== null && Number.isFinite(outcome.runMs)) {
    const ms = Math.max(0, Math.round(outcome.runMs));
    pipeline.hincrby(key, totalRunField(outcome.status, slotOf(ms)), 1);
    pipeline.hincrby(key, totalRunSumField(outcome.status), ms);
  }
  if (outcome.waitMs !== null && Number.isFinite(outcome.waitMs)) {
    const ms = Math.max(0, Math.round(outcome.waitMs));
    pipeline.hincrby(key, waitField(slotOf(ms)), 1);
    pipeline.hincrby(key, TOTAL_WAIT_SUM_FIELD, ms);
  }
}

/** A queue's totals as numbers; per-slot (not cumulative) histogram counts. */
export interface JobTotals {
  added: number;
  completed: number;
  /** Jobs that failed their last attempt. */
  failed: number;
  /** Attempts that failed and were retried. */
  retried: number;
  run: Record<JobOutcome["status"], { slots: number[]; sumMs: number }>;
  wait: { slots: number[]; sumMs: number };
}

export function parseJobTotals(hash: Record<string, string> | null | undefined): JobTotals {
  const number = (field: string) => Number(hash?.[field] ?? 0) || 0;
  const slots = (field: (slot: number) => string) => Array.from({ length: HISTOGRAM_SLOTS }, (_, slot) => number(field(slot)));
  const runOf = (status: JobOutcome["status"]) => ({ slots: slots((slot) => totalRunField(status, slot)), sumMs: number(totalRunSumField(status)) });
  return {
    added: number(FIELD.added),
    completed: number(FIELD.completed),
    failed: number(FIELD.failed),
    retried: number(FIELD.retried),
    run: { completed: runOf("completed"), failed: runOf("failed") },
    wait: { slots: slots(waitField), sumMs: number(TOTAL_WAIT_SUM_FIELD) },
  };
}

/** A pipeline reports per-command errors in its result instead of rejecting; surface the first. */
async function run(pipeline: ChainableCommander): Promise<void> {
  const results = await pipeline.exec();
  const failure = results?.find(([error]) => error);
  if (failure?.[0]) throw failure[0];
}
