import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { readQueueRates } from "../metrics/read-metrics";
import { sharedRedis } from "../redis";
import { QUEUE_KEYS, queueDefinitions, type QueueKey } from "./catalog";
import { readQueueLimits, type QueueLimits } from "./queue-limits";
import { queueManager as defaultQueueManager, type QueueManager, type QueueStats } from "./queue-manager";
import { queueSettings } from "./settings";
import { listWorkers } from "./worker-registry";

export interface QueueOverview extends QueueStats, QueueLimits {
  label: string;
  description: string;
  /** Per-process concurrency (catalogue, or QUEUE_CONCURRENCY_<KEY>). */
  concurrency: number;
  timeoutMs: number;
  /** The catalogue's rate limit (the workers' own limiter). */
  rateLimit: { max: number; durationMs: number } | null;
  /** Live worker processes serving this queue. */
  workers: number;
  /** Jobs the live workers can run at once together (sum of their concurrency for this queue). */
  workerConcurrency: number;
  /** Jobs added per minute, over the last 5 minutes. */
  inPerMinute: number;
  /** Jobs finished (completed or failed for good) per minute, over the last 5 minutes. */
  outPerMinute: number;
  /** Share of jobs finished in the last hour that failed, 0-1; null when none finished. */
  failureRate: number | null;
  completedLastHour: number;
  failedLastHour: number;
  /** When the oldest job still waiting was created; null when nothing waits. */
  oldestWaitingAt: string | null;
  /** Time to run the waiting jobs at the current out-rate; null when nothing is coming out or no worker serves the queue ("not draining"). */
  drainMs: number | null;
}

/**
 * Everything the overview page shows per queue: counts, limits, live workers, throughput from the
 * metrics buckets and the age of the oldest waiting job. Every read is bounded whatever the queue
 * size: counts are ZCARD/LLEN, rates read 60 small hashes per queue, the oldest waiting job is one
 * index probe per queue in the ledger.
 */
export async function queueOverview({ queues = defaultQueueManager(), db = defaultDb() }: { queues?: QueueManager; db?: Db } = {}): Promise<QueueOverview[]> {
  const redis = sharedRedis();
  const now = Date.now();
  const [stats, workers, rates, limits, oldest] = await Promise.all([
    queues.allStats(),
    listWorkers(redis, queues.prefix),
    readQueueRates(redis, queues.prefix, now),
    Promise.all(QUEUE_KEYS.map((key) => readQueueLimits(key, { queues }))),
    // The ages are a nicety: with the database away the counts still matter more than a 503.
    oldestWaiting(db).catch(() => ({}) as Partial<Record<QueueKey, Date>>),
  ]);
  return queueDefinitions().map((definition, index) => {
    const settings = queueSettings(definition.key);
    const queueStats = stats[index]!;
    const serving = workers.filter((worker) => worker.queues.includes(definition.key));
    const rate = rates[definition.key];
    const oldestAt = queueStats.waiting > 0 ? oldest[definition.key] : undefined;
    return {
      ...queueStats,
      ...limits[index]!,
      label: definition.label,
      description: definition.description,
      concurrency: settings.concurrency,
      timeoutMs: settings.timeoutMs,
      rateLimit: settings.rateLimit ?? null,
      workers: serving.length,
      workerConcurrency: serving.reduce((sum, worker) => sum + (worker.concurrency[definition.key] ?? 0), 0),
      ...rate,
      oldestWaitingAt: oldestAt ? oldestAt.toISOString() : null,
      // No live worker, no draining: the recent out-rate is a worker's that has gone.
      drainMs: serving.length === 0 ? null : drainTime(queueStats.waiting, rate.outPerMinute),
    };
  });
}

/** Milliseconds to run `backlog` jobs at `outPerMinute`; 0 for no backlog, null when nothing comes out. */
export function drainTime(backlog: number, outPerMinute: number): number | null {
  if (backlog === 0) return 0;
  if (outPerMinute <= 0) return null;
  return Math.round((backlog / outPerMinute) * 60_000);
}

/**
 * Creation time of the oldest WAITING run per queue, from the ledger. One correlated min() per
 * queue, each answered from the first entry of the (queue, state, createdAt) index, so it costs
 * the same with ten waiting jobs or a million. (BullMQ cannot answer this cheaply: waiting jobs sit
 * in the prioritized set, ordered by priority, not age.)
 */
export async function oldestWaiting(db: Db): Promise<Partial<Record<QueueKey, Date>>> {
  const { rows } = await sqlPool(db).query<{ queue: QueueKey; oldest: Date | null }>(
    `SELECT q.queue, (SELECT min(r."createdAt") FROM "JobRun" r WHERE r.queue = q.queue AND r.state = 'WAITING') AS oldest
       FROM unnest($1::text[]) AS q(queue)`,
    [QUEUE_KEYS],
  );
  const result: Partial<Record<QueueKey, Date>> = {};
  for (const row of rows) if (row.oldest) result[row.queue] = row.oldest;
  return result;
}
