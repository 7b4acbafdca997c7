import { Job } from "bullmq";
import type { Db } from "../db";
import { inTransaction, sqlPool } from "../db";
import type { QueueKey } from "../jobs/catalog";
import { isQueueKey } from "../jobs/catalog";
import type { QueueManager } from "../jobs/queue-manager";
import { appendRunEvents } from "../jobs/run-events";
import { cursorAfter, redisPresence, selectTargetBatch, type BulkActionKind, type BulkTarget, type TargetCursor, type TargetJob } from "./targets";
import type { RedisClient } from "../redis";

/**
 * Runs one bulk action to its end, in the worker process, a batch at a time. Each batch:
 *
 * 1. takes the next jobs from the ledger by keyset (never loads the whole group),
 * 2. asks Redis in one pipeline which of them are still failed there,
 * 3. saves, in one transaction, the new cursor, the skipped count and the batch's actionable ids
 *    as "pending" (plus, for a removal, removedAt on the jobs Redis no longer holds),
 * 4. retries or removes the pending jobs in Redis (one script call each, pipelined),
 * 5. in one transaction updates their ledger rows and the counters and clears "pending", then
 *    appends their timeline events.
 *
 * A worker that dies anywhere in between leaves a consistent position behind: a new run replays
 * the pending ids (a job Redis already moved counts as done, not twice) and carries on after the
 * cursor. So BullMQ may run the maintenance job again (stalled job, retried attempt) safely.
 */
export interface RunBulkActionOptions {
  db: Db;
  /** Queues on the worker's connection, and that connection (for pipelined reads). */
  queues: QueueManager;
  redis: RedisClient;
  /** @defaultValue 500 */
  batchSize?: number;
  /** Checked between batches: true stops the run where it is (graceful shutdown, lost lock). */
  shouldStop?: () => boolean;
  /** Called after each batch with the counters so far (the BullMQ job's progress, logs). */
  onBatch?: (progress: { done: number; skipped: number; failed: number; total: number }) => void | Promise<void>;
  /** Test seam: runs after the pending ids are saved and before Redis is touched. */
  afterReserve?: (pendingIds: string[]) => void | Promise<void>;
}

export type RunOutcome = "completed" | "stopped" | "missing";

interface ActionRow {
  id: string;
  action: BulkActionKind;
  status: string;
  fingerprint: string | null;
  jobIds: string[];
  snapshotAt: Date;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  cursorAt: Date | null;
  cursorId: string | null;
  pendingIds: string[];
  actorId: string | null;
  actorName: string | null;
}

type Outcome = "done" | "skipped" | "failed";

export async function runBulkAction(id: string, options: RunBulkActionOptions): Promise<RunOutcome> {
  const { db, batchSize = 500, shouldStop = () => false } = options;
  const pool = sqlPool(db);
  const loaded = await loadAction(id, db);
  if (!loaded) return "missing";
  let row = loaded;
  if (row.status === "completed" || row.status === "failed") return "completed";
  await pool.query(
    `UPDATE "BulkAction" SET "status" = 'running', "startedAt" = COALESCE("startedAt", (now() AT TIME ZONE 'UTC')), "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE "id" = $1`,
    [id],
  );
  const target: BulkTarget = row.fingerprint ? { fingerprint: row.fingerprint } : { jobIds: row.jobIds };

  if (row.pendingIds.length > 0) {
    // A previous run stopped between reserving a batch and recording its outcome.
    const jobs = await jobsById(row.pendingIds, db);
    row = await applyBatch(row, jobs, true, options);
    await options.onBatch?.(counters(row));
  }

  let cursor: TargetCursor = { at: row.cursorAt, id: row.cursorId };
  for (;;) {
    if (shouldStop()) return "stopped";
    const batch = await selectTargetBatch(target, { snapshotAt: row.snapshotAt, cursor, limit: batchSize }, db);
    if (batch.length === 0) break;
    cursor = cursorAfter(target, batch);
    const presence = await redisPresence(batch, options.queues, options.redis);
    const actionable = batch.filter((job) => presence.get(job.id) === "failed");
    const gone = batch.filter((job) => presence.get(job.id) === "gone").map((job) => job.id);
    const skipped = batch.length - actionable.length;
    await inTransaction(db, async (client) => {
      // A removal also takes jobs Redis already dropped off the desk; a retry cannot bring them back.
      if (row.action === "remove" && gone.length > 0) {
        await client.query(
          `UPDATE "JobRun" SET "removedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE "id" = ANY($1::text[]) AND "removedAt" IS NULL`,
          [gone],
        );
      }
      await client.query(
        `UPDATE "BulkAction" SET "cursorAt" = ($2::timestamptz AT TIME ZONE 'UTC'), "cursorId" = $3, "pendingIds" = $4::text[],
                "skipped" = "skipped" + $5, "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE "id" = $1`,
        [id, cursor.at?.toISOString() ?? null, cursor.id, actionable.map((job) => job.id), skipped],
      );
    });
    if (row.action === "remove" && gone.length > 0) {
      await appendRunEvents(
        gone.map((runId) => ({ runId, kind: "removed" as const, message: removalMessage(row, true), actorId: row.actorId })),
        { db },
      );
    }
    row = { ...row, skipped: row.skipped + skipped, pendingIds: actionable.map((job) => job.id) };
    await options.afterReserve?.(row.pendingIds);
    row = await applyBatch(row, actionable, false, options);
    await options.onBatch?.(counters(row));
    if (batch.length < batchSize) break;
  }

  // Jobs counted at the start that left the failed state before the walk reached them (retried
  // one by one, cleaned) were never in a batch: they are skipped too, so the action ends at 100 %.
  await pool.query(
    `UPDATE "BulkAction" SET "status" = 'completed', "finishedAt" = (now() AT TIME ZONE 'UTC'), "pendingIds" = '{}',
            "skipped" = GREATEST("skipped", "total" - "done" - "failed"), "updatedAt" = (now() AT TIME ZONE 'UTC')
     WHERE "id" = $1`,
    [id],
  );
  return "completed";
}

/** Marks an action failed for good (the maintenance job ran out of attempts). */
export async function failBulkAction(id: string, reason: string, db: Db): Promise<void> {
  await sqlPool(db).query(
    `UPDATE "BulkAction" SET "status" = 'failed', "error" = $2, "finishedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC')
     WHERE "id" = $1 AND "status" <> 'completed'`,
    [id, reason.slice(0, 2_000)],
  );
}

function counters(row: ActionRow) {
  return { done: row.done, skipped: row.skipped, failed: row.failed, total: row.total };
}

function removalMessage(row: ActionRow, alreadyGone: boolean): string {
  const who = row.actorName ?? "an admin";
  return alreadyGone ? `Removed from the failed-jobs desk by ${who} (bulk action ${row.id}); Redis no longer held it` : `Removed by ${who} (bulk action ${row.id})`;
}

/** Steps 4 and 5: act in Redis, then record the outcome in the ledger and the action. */
async function applyBatch(row: ActionRow, jobs: TargetJob[], replay: boolean, { db, queues }: RunBulkActionOptions): Promise<ActionRow> {
  const at = new Date();
  const outcomes = await Promise.all(jobs.map((job) => actInRedis(row.action, job, replay, queues)));
  const doneIds = jobs.filter((_, index) => outcomes[index]!.outcome === "done").map((job) => job.id);
  const skipped = outcomes.filter((result) => result.outcome === "skipped").length;
  const failures = outcomes.filter((result) => result.outcome === "failed");
  // Jobs in pendingIds that the ledger no longer has (deleted) are neither done nor failed.
  const missing = row.pendingIds.length > jobs.length && replay ? row.pendingIds.length - jobs.length : 0;
  await inTransaction(db, async (client) => {
    if (doneIds.length > 0) {
      if (row.action === "retry") {
        // Only rows still showing this failure go back to waiting: a worker that already picked the
        // job up (ACTIVE, or failed again after the snapshot) wrote the newer truth.
        await client.query(
          `UPDATE "JobRun" SET "state" = 'WAITING', "failedReason" = NULL, "finishedAt" = NULL, "progress" = 0, "progressText" = NULL,
                  "updatedAt" = (now() AT TIME ZONE 'UTC')
           WHERE "id" = ANY($1::text[]) AND "state" = 'FAILED' AND "removedAt" IS NULL AND "finishedAt" <= ($2::timestamptz AT TIME ZONE 'UTC')`,
          [doneIds, row.snapshotAt.toISOString()],
        );
      } else {
        await client.query(
          `UPDATE "JobRun" SET "removedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE "id" = ANY($1::text[]) AND "removedAt" IS NULL`,
          [doneIds],
        );
      }
    }
    await client.query(
      `UPDATE "BulkAction" SET "done" = "done" + $2, "skipped" = "skipped" + $3, "failed" = "failed" + $4, "pendingIds" = '{}',
              "error" = COALESCE($5, "error"), "updatedAt" = (now() AT TIME ZONE 'UTC')
       WHERE "id" = $1`,
      [row.id, doneIds.length, skipped + missing, failures.length, failures[0]?.message ?? null],
    );
  });
  if (doneIds.length > 0) {
    const message = row.action === "retry" ? `Retried by ${row.actorName ?? "an admin"} (bulk action ${row.id})` : removalMessage(row, false);
    await appendRunEvents(
      doneIds.map((runId) => ({ runId, kind: row.action === "retry" ? ("retried" as const) : ("removed" as const), at, message, actorId: row.actorId })),
      { db },
    );
  }
  return {
    ...row,
    done: row.done + doneIds.length,
    skipped: row.skipped + skipped + missing,
    failed: row.failed + failures.length,
    pendingIds: [],
  };
}

const JOB_NOT_EXIST = -1;
const JOB_NOT_IN_STATE = -3;

/**
 * One job's retry or removal. A Job object built from the id alone is enough for BullMQ's
 * reprocessJob script (it reads the job hash itself), which saves a round trip per job.
 */
async function actInRedis(action: BulkActionKind, job: TargetJob, replay: boolean, queues: QueueManager): Promise<{ outcome: Outcome; message?: string }> {
  const queue = queues.queue(job.queue);
  try {
    if (action === "retry") {
      // Full attempt budget again, as a retry from the failed list gives.
      await new Job(queue, "", null, {}, job.id).retry("failed", { resetAttemptsMade: true });
    } else {
      // 0: the job holds a lock, i.e. someone retried it meanwhile and a worker runs it: leave it.
      const removed = await queue.remove(job.id, { removeChildren: false });
      if (removed !== 1) return { outcome: "skipped" };
    }
    return { outcome: "done" };
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === JOB_NOT_EXIST) return { outcome: "skipped" };
    // On a replay, a job that is no longer failed is one this action moved before the restart.
    if (code === JOB_NOT_IN_STATE) return { outcome: replay ? "done" : "skipped" };
    return { outcome: "failed", message: `${job.queue}/${job.id}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function loadAction(id: string, db: Db): Promise<ActionRow | null> {
  const { rows } = await sqlPool(db).query<ActionRow>(
    `SELECT b."id", b."action", b."status", b."fingerprint", COALESCE(b."jobIds", '{}') AS "jobIds", (b."snapshotAt" AT TIME ZONE 'UTC') AS "snapshotAt", b."total",
            b."done", b."skipped", b."failed", (b."cursorAt" AT TIME ZONE 'UTC') AS "cursorAt", b."cursorId", COALESCE(b."pendingIds", '{}') AS "pendingIds",
            b."actorId", u."name" AS "actorName"
     FROM "BulkAction" b LEFT JOIN "User" u ON u."id" = b."actorId" WHERE b."id" = $1`,
    [id],
  );
  return rows[0] ?? null;
}

async function jobsById(ids: string[], db: Db): Promise<TargetJob[]> {
  const { rows } = await sqlPool(db).query<{ id: string; queue: string; failedAt: Date | null }>(
    `SELECT "id", "queue", ("finishedAt" AT TIME ZONE 'UTC') AS "failedAt" FROM "JobRun" WHERE "id" = ANY($1::text[]) ORDER BY "id"`,
    [ids],
  );
  return rows
    .filter((row): row is { id: string; queue: QueueKey; failedAt: Date | null } => isQueueKey(row.queue))
    .map((row) => ({ id: row.id, queue: row.queue, failedAt: row.failedAt ?? new Date(0) }));
}
