import { recordAudit } from "../audit";
import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { QueueKey } from "./catalog";
import { queueManager as defaultQueueManager, type QueueManager } from "./queue-manager";
import { queueSettings } from "./settings";

/**
 * Runtime limits of a queue that hold across every worker process: BullMQ keeps them in the
 * queue's meta hash and checks them each time a worker takes a job, so a change applies within one
 * fetch, with no restart.
 *
 * One BullMQ quirk shapes the rate limit: when the workers themselves carry a limiter (the
 * catalogue's `rateLimit`, e.g. sync and notification), BullMQ takes the *max* from the meta hash
 * but keeps the *duration* of the workers' limiter. So for those queues only the max can change at
 * runtime, and removing the runtime limit falls back to the catalogue's.
 */
export interface QueueLimits {
  /** Jobs running at once across all processes; null = no global cap (each process runs up to its own concurrency). */
  globalConcurrency: number | null;
  /** The runtime rate limit as stored in the meta hash; null when none is set. */
  globalRateLimit: { max: number; durationMs: number } | null;
  /** The rate limit in force: the runtime one merged with the workers' limiter as BullMQ does. */
  effectiveRateLimit: { max: number; durationMs: number } | null;
  /** The workers' own limiter from the catalogue, whose window cannot change at runtime. */
  workerRateLimit: { max: number; durationMs: number } | null;
  /** Jobs one worker process runs in parallel (catalogue, or QUEUE_CONCURRENCY_<KEY>). */
  processConcurrency: number;
}

export async function readQueueLimits(key: QueueKey, { queues = defaultQueueManager() }: { queues?: QueueManager } = {}): Promise<QueueLimits> {
  const queue = queues.queue(key);
  const [globalConcurrency, rateLimit] = await Promise.all([queue.getGlobalConcurrency(), queue.getGlobalRateLimit()]);
  const settings = queueSettings(key);
  const globalRateLimit = rateLimit ? { max: rateLimit.max, durationMs: rateLimit.duration } : null;
  return {
    globalConcurrency,
    globalRateLimit,
    effectiveRateLimit: effectiveRateLimit(globalRateLimit, settings.rateLimit ?? null),
    workerRateLimit: settings.rateLimit ?? null,
    processConcurrency: settings.concurrency,
  };
}

/** BullMQ's merge (moveToActive): meta max wins over the worker's max; the worker's duration wins over meta's. */
export function effectiveRateLimit(
  global: { max: number; durationMs: number } | null,
  worker: { max: number; durationMs: number } | null,
): { max: number; durationMs: number } | null {
  if (!global) return worker;
  if (!worker) return global;
  return { max: global.max, durationMs: worker.durationMs };
}

/** A change of limits; `null` removes the limit, an absent field leaves it alone. */
export interface QueueLimitsChange {
  globalConcurrency?: number | null;
  rateLimit?: { max: number; durationMs: number } | null;
}

export type UpdateQueueLimitsResult =
  | { ok: true; queue: QueueKey; limits: QueueLimits }
  | { ok: false; code: "rate-limit-window-fixed"; message: string };

export async function updateQueueLimits(
  key: QueueKey,
  change: QueueLimitsChange,
  actor: Principal,
  { queues = defaultQueueManager(), db = defaultDb() }: { queues?: QueueManager; db?: Db } = {},
): Promise<UpdateQueueLimitsResult> {
  const worker = queueSettings(key).rateLimit;
  if (change.rateLimit && worker && change.rateLimit.durationMs !== worker.durationMs) {
    return {
      ok: false,
      code: "rate-limit-window-fixed",
      message: `rateLimit.durationMs: the ${key} workers enforce a ${worker.durationMs} ms window, which cannot change at runtime; only rateLimit.max can (send durationMs ${worker.durationMs})`,
    };
  }
  const before = await readQueueLimits(key, { queues });
  const queue = queues.queue(key);
  if (change.globalConcurrency !== undefined) {
    if (change.globalConcurrency === null) await queue.removeGlobalConcurrency();
    else await queue.setGlobalConcurrency(change.globalConcurrency);
  }
  if (change.rateLimit !== undefined) {
    if (change.rateLimit === null) await queue.removeGlobalRateLimit();
    else await queue.setGlobalRateLimit(change.rateLimit.max, change.rateLimit.durationMs);
  }
  const limits = await readQueueLimits(key, { queues });
  await recordAudit(
    {
      actorId: actor.id,
      action: "queue.settings",
      target: key,
      details: {
        before: { globalConcurrency: before.globalConcurrency, rateLimit: before.effectiveRateLimit },
        after: { globalConcurrency: limits.globalConcurrency, rateLimit: limits.effectiveRateLimit },
      },
    },
    { db },
  );
  return { ok: true, queue: key, limits };
}
