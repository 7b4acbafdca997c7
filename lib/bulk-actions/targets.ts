import { z } from "zod";
import type { Db } from "../db";
import { sqlPool } from "../db";
import { isQueueKey, type QueueKey } from "../jobs/catalog";
import type { QueueManager } from "../jobs/queue-manager";
import { withinRetentionSql } from "../failures/retention";
import type { RedisClient } from "../redis";

export const BULK_ACTIONS = ["retry", "remove"] as const;
export type BulkActionKind = (typeof BULK_ACTIONS)[number];

/** At most this many jobs can be picked one by one; a whole group has no limit. */
export const MAX_SELECTED_JOBS = 1_000;

export const fingerprintSchema = z.string().regex(/^[0-9a-f]{20}$/, "must be a failure fingerprint (20 hex characters)");

export const bulkTargetSchema = z
  .object({
    fingerprint: fingerprintSchema.optional(),
    jobIds: z
      .array(z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"))
      .min(1, "select at least one job")
      .max(MAX_SELECTED_JOBS, `at most ${MAX_SELECTED_JOBS} jobs; retry the whole group instead`)
      .optional(),
  })
  .strict()
  .refine((target) => (target.fingerprint === undefined) !== (target.jobIds === undefined), {
    message: "give either fingerprint (a failure group) or jobIds (selected jobs), not both",
  });

export type BulkTarget = { fingerprint: string; jobIds?: undefined } | { jobIds: string[]; fingerprint?: undefined };

export const bulkRequestSchema = z.object({
  action: z.enum(BULK_ACTIONS, { error: () => `must be one of: ${BULK_ACTIONS.join(", ")}` }),
  target: bulkTargetSchema,
});

export interface TargetJob {
  id: string;
  queue: QueueKey;
  failedAt: Date;
}

/** Where a walk over a target's jobs stands: (finishedAt, id) in a group, the last id in a selection. */
export interface TargetCursor {
  at: Date | null;
  id: string | null;
}

/**
 * The next `limit` jobs of a target after `cursor`: failed, not removed, failed by `snapshotAt` and
 * within their queue's retention at that moment. A group is walked by (finishedAt, id) on its
 * index; a selection by id.
 */
export async function selectTargetBatch(
  target: BulkTarget,
  { snapshotAt, cursor, limit }: { snapshotAt: Date; cursor: TargetCursor; limit: number },
  db: Db,
): Promise<TargetJob[]> {
  const values: unknown[] = [snapshotAt.toISOString(), limit];
  const retention = withinRetentionSql(values, snapshotAt, "j");
  const common = `j."state" = 'FAILED' AND j."removedAt" IS NULL AND j."finishedAt" <= ($1::timestamptz AT TIME ZONE 'UTC') AND ${retention}`;
  let sql: string;
  if (target.fingerprint !== undefined) {
    const fingerprint = `$${values.push(target.fingerprint)}`;
    let after = "";
    if (cursor.at && cursor.id) {
      values.push(cursor.at.toISOString(), cursor.id);
      after = ` AND (j."finishedAt", j."id") > (($${values.length - 1}::timestamptz AT TIME ZONE 'UTC'), $${values.length})`;
    }
    sql = `SELECT j."id", j."queue", (j."finishedAt" AT TIME ZONE 'UTC') AS "failedAt" FROM "JobRun" j
           WHERE j."failureFingerprint" = ${fingerprint} AND ${common}${after}
           ORDER BY j."finishedAt", j."id" LIMIT $2`;
  } else {
    values.push([...new Set(target.jobIds)]);
    const ids = `$${values.length}`;
    let after = "";
    if (cursor.id) {
      values.push(cursor.id);
      after = ` AND j."id" > $${values.length}`;
    }
    sql = `SELECT j."id", j."queue", (j."finishedAt" AT TIME ZONE 'UTC') AS "failedAt" FROM "JobRun" j
           WHERE j."id" = ANY(${ids}::text[]) AND ${common}${after}
           ORDER BY j."id" LIMIT $2`;
  }
  const { rows } = await sqlPool(db).query<{ id: string; queue: string; failedAt: Date }>(sql, values);
  return rows.filter((row): row is TargetJob => isQueueKey(row.queue));
}

/** The cursor after a batch, for either kind of target. */
export function cursorAfter(target: BulkTarget, batch: readonly TargetJob[]): TargetCursor {
  const last = batch.at(-1);
  if (!last) return { at: null, id: null };
  return target.fingerprint !== undefined ? { at: last.failedAt, id: last.id } : { at: null, id: last.id };
}

export type RedisPresence = "failed" | "other-state" | "gone";

/**
 * Where each job stands in Redis, in one pipeline per queue: still in the failed set (actionable),
 * present in another state (someone retried it meanwhile), or gone (dropped by retention or clean).
 */
export async function redisPresence(jobs: readonly TargetJob[], queues: QueueManager, redis: RedisClient): Promise<Map<string, RedisPresence>> {
  const result = new Map<string, RedisPresence>();
  const byQueue = new Map<QueueKey, TargetJob[]>();
  for (const job of jobs) {
    const list = byQueue.get(job.queue);
    if (list) list.push(job);
    else byQueue.set(job.queue, [job]);
  }
  await Promise.all(
    [...byQueue].map(async ([key, queueJobs]) => {
      const queue = queues.queue(key);
      // One ZMSCORE for the whole batch; only the (usually few) jobs outside the failed set need a second look.
      const scores = await redis.zmscore(queue.toKey("failed"), ...queueJobs.map((job) => job.id));
      const others = queueJobs.filter((_, index) => scores[index] === null);
      const pipeline = redis.pipeline();
      for (const job of others) pipeline.exists(queue.toKey(job.id));
      const replies = others.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      for (const job of queueJobs) result.set(job.id, "failed");
      others.forEach((job, index) => {
        const [error, exists] = replies[index] ?? [];
        if (error) throw error;
        result.set(job.id, Number(exists) > 0 ? "other-state" : "gone");
      });
    }),
  );
  return result;
}

export interface BulkPreview {
  action: BulkActionKind;
  /** Failed jobs in the ledger the action covers. */
  total: number;
  /** Of those, how many Redis still holds as failed: the ones a retry or removal really acts on. */
  inQueue: number;
  /** How many Redis no longer holds as failed (dropped by retention or clean, or retried meanwhile). */
  notInQueue: number;
  /** Per queue, for a selection spanning queues. */
  queues: { queue: QueueKey; count: number }[];
}

const PREVIEW_BATCH = 5_000;

/** What an action would touch, counted the way the worker will walk it (100,000 jobs: 20 batches). */
export async function previewBulkAction(
  action: BulkActionKind,
  target: BulkTarget,
  { db, queues, redis, now = new Date() }: { db: Db; queues: QueueManager; redis: RedisClient; now?: Date },
): Promise<BulkPreview> {
  let cursor: TargetCursor = { at: null, id: null };
  let total = 0;
  let inQueue = 0;
  const perQueue = new Map<QueueKey, number>();
  const next = (after: TargetCursor) => {
    const page = selectTargetBatch(target, { snapshotAt: now, cursor: after, limit: PREVIEW_BATCH }, db);
    // Awaited below; this only keeps a failure from surfacing as unhandled if Redis fails first.
    page.catch(() => {});
    return page;
  };
  let pending = next(cursor);
  for (;;) {
    const batch = await pending;
    if (batch.length === 0) break;
    // The next page is read from PostgreSQL while Redis checks this one.
    cursor = cursorAfter(target, batch);
    pending = batch.length < PREVIEW_BATCH ? Promise.resolve([]) : next(cursor);
    const presence = await redisPresence(batch, queues, redis);
    total += batch.length;
    for (const job of batch) {
      if (presence.get(job.id) === "failed") inQueue++;
      perQueue.set(job.queue, (perQueue.get(job.queue) ?? 0) + 1);
    }
  }
  return {
    action,
    total,
    inQueue,
    notInQueue: total - inQueue,
    queues: [...perQueue].map(([queue, count]) => ({ queue, count })),
  };
}

/** How many jobs the target covers, from the ledger alone (the covering index; no Redis). */
export async function countTarget(target: BulkTarget, { db, snapshotAt }: { db: Db; snapshotAt: Date }): Promise<{ total: number; queue: QueueKey | null }> {
  const values: unknown[] = [snapshotAt.toISOString()];
  const retention = withinRetentionSql(values, snapshotAt, "j");
  values.push(target.fingerprint ?? [...new Set(target.jobIds)]);
  const match = target.fingerprint !== undefined ? `j."failureFingerprint" = $${values.length}` : `j."id" = ANY($${values.length}::text[])`;
  const { rows } = await sqlPool(db).query<{ total: number; queue: string | null; queues: number }>(
    `SELECT count(*)::int AS "total", min(j."queue") AS "queue", count(DISTINCT j."queue")::int AS "queues" FROM "JobRun" j
     WHERE ${match} AND j."state" = 'FAILED' AND j."removedAt" IS NULL AND j."finishedAt" <= ($1::timestamptz AT TIME ZONE 'UTC') AND ${retention}`,
    values,
  );
  const row = rows[0];
  const queue = row && row.queues === 1 && row.queue && isQueueKey(row.queue) ? row.queue : null;
  return { total: row?.total ?? 0, queue };
}
