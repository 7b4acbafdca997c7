import type { Job } from "bullmq";
import type { RedisClient } from "../redis";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { notifyJobFinished } from "../inbox/job-notifications";
import { publishJobEvent, type JobEventPayload, type JobEventType } from "../realtime/events";
import { QUEUE_KEYS, queueDefinition, type QueueKey } from "./catalog";
import { failureFingerprint } from "./failure-fingerprint";
import { findHeldLedgerWrite, landLedgerWrite, releaseLedgerWrites, scanHeldLedgerWrites } from "./held-ledger-writes";
import { jobOwner, jobPayload } from "./job-data";
import { OPEN_RUN_STATES, updateRun, type RunUpdate } from "./ledger";
import { queueManager as defaultQueueManager, readProgress, type QueueManager } from "./queue-manager";
import { cancelRequestKey } from "./worker-registry";
import type { JobState } from "../generated/prisma/client";

/**
 * The ledger reconciler: the backstop behind every write that pairs Redis with PostgreSQL (enqueue,
 * a worker's outcome, cancel, clean). The maintenance worker runs it on a schedule; it compares the
 * two sides and repairs both, so whatever a crash or an outage left between two steps is put right
 * within one interval:
 *
 * 1. writes held in Redis (lib/jobs/held-ledger-writes.ts) that their process did not land are
 *    landed, or dropped when what they record never happened;
 * 2. ledger rows still open (waiting, delayed, active) are checked against their job: a job that
 *    finished gets its outcome (result or reason, state, times, and the owner's event and
 *    notification, which were never sent: the worker sends them only after the row is written), a
 *    job that vanished from Redis (removed outside the app, dropped by retention) is marked LOST;
 * 3. jobs in Redis with no ledger row (added past the API, or an enqueue cut off between its two
 *    writes) get one, with the owner, organisation and business key from the job data as the
 *    enqueue would have written them.
 *
 * Everything younger than the grace period is left alone: it may be mid-flight. Work is bounded per
 * run (batches of `batchSize`, `maxBatches` of each kind) and resumes where it stopped through keyset
 * cursors kept in Redis. Two processes running it at once do the same repairs: every write is
 * conditional on the state it judged (a row is created once, an open row closed once), and only the
 * process whose write changed a row publishes its event.
 */
export interface ReconcileOptions {
  db?: Db;
  queues?: QueueManager;
  /** For the held writes, cursors and events; the queue manager's prefix is used. */
  redis: RedisClient;
  /** How old a row, job or held write must be before it is judged. @defaultValue LEDGER_RECONCILE_GRACE_SECONDS */
  graceMs: number;
  /** @defaultValue 200 */
  batchSize?: number;
  /** Batches of each kind per run. @defaultValue 20 */
  maxBatches?: number;
  now?: number;
  /** Only these queues (tests). @defaultValue every catalogue queue */
  queueKeys?: readonly QueueKey[];
}

export interface ReconcileOutcome {
  /** Held writes landed by this run, and dropped (their removal never happened, or the row had moved on). */
  heldLanded: number;
  heldDropped: number;
  /** Open rows checked, closed with their job's outcome, marked LOST. */
  rowsChecked: number;
  outcomesRecorded: number;
  lost: number;
  /** Ledger rows written for jobs that had none. */
  rowsCreated: number;
}

export const LOST_REASON = "The job vanished from Redis before its outcome reached the ledger (removed outside the app, or dropped by retention)";

export async function reconcileLedger(options: ReconcileOptions): Promise<ReconcileOutcome> {
  const context: Context = {
    db: options.db ?? defaultDb(),
    queues: options.queues ?? defaultQueueManager(),
    redis: options.redis,
    cutoff: (options.now ?? Date.now()) - options.graceMs,
    now: options.now ?? Date.now(),
    batchSize: options.batchSize ?? 200,
    maxBatches: options.maxBatches ?? 20,
    queueKeys: options.queueKeys ?? QUEUE_KEYS,
  };
  const outcome: ReconcileOutcome = { heldLanded: 0, heldDropped: 0, rowsChecked: 0, outcomesRecorded: 0, lost: 0, rowsCreated: 0 };
  await landHeldWrites(context, outcome);
  await checkOpenRows(context, outcome);
  for (const key of context.queueKeys) await adoptJobsWithoutRows(context, key, outcome);
  return outcome;
}

interface Context {
  db: Db;
  queues: QueueManager;
  redis: RedisClient;
  cutoff: number;
  now: number;
  batchSize: number;
  maxBatches: number;
  queueKeys: readonly QueueKey[];
}

function cursorKey(context: Context, name: string): string {
  return `${context.queues.prefix}:ledger:reconcile-cursor:${name}`;
}

async function landHeldWrites(context: Context, outcome: ReconcileOutcome): Promise<void> {
  const { db, redis, queues } = context;
  let cursor = "0";
  for (let batch = 0; batch < context.maxBatches; batch++) {
    const page = await scanHeldLedgerWrites(redis, queues.prefix, cursor, context.batchSize);
    for (const write of page.writes) {
      if (write.heldAt > context.cutoff) continue;
      if (write.when === "job-gone" && (await queues.getJob(write.queue, write.jobId))) {
        // The job is still queued: the cancel or clean that held this write never removed it.
        await releaseLedgerWrites(redis, queues.prefix, [write]);
        outcome.heldDropped++;
        continue;
      }
      // A mark that changes no state (a finished job's removedAt) is written whatever the row's state.
      const onlyIfOpen = write.update.state !== undefined;
      const { changed, landed } = await landLedgerWrite(write, { db, redis, prefix: queues.prefix, onlyIfOpen });
      if (landed) outcome.heldLanded++;
      else outcome.heldDropped++;
      if (changed && write.notify) await notifyJobFinished(db, write.notify);
    }
    cursor = page.cursor;
    if (cursor === "0") return;
  }
}

interface OpenRow {
  id: string;
  queue: QueueKey;
  state: JobState;
  createdAt: Date;
  ownerId: string | null;
  organizationId: string | null;
  name: string;
}

async function checkOpenRows(context: Context, outcome: ReconcileOutcome): Promise<void> {
  const key = cursorKey(context, "open-rows");
  const saved = await context.redis.get(key);
  let after = saved ? (JSON.parse(saved) as { createdAt: string; id: string }) : { createdAt: "-infinity", id: "" };
  for (let batch = 0; batch < context.maxBatches; batch++) {
    // Keyset on (createdAt, id): open rows of the catalogue's queues, older than the grace period.
    const { rows } = await sqlPool(context.db).query<OpenRow & { createdAtText: string }>(
      `SELECT "id", "queue", "state", "createdAt", "createdAt"::text AS "createdAtText", "ownerId", "organizationId", "name" FROM "JobRun"
       WHERE "state" = ANY($1::"JobState"[]) AND "queue" = ANY($2::text[])
         AND "createdAt" < ($3::timestamptz AT TIME ZONE 'UTC')
         AND ("createdAt", "id") > ($4::timestamp, $5)
       ORDER BY "createdAt", "id" LIMIT $6`,
      [OPEN_RUN_STATES, context.queueKeys, new Date(context.cutoff).toISOString(), after.createdAt, after.id, context.batchSize],
    );
    for (const row of rows) await checkOpenRow(context, row, outcome);
    outcome.rowsChecked += rows.length;
    if (rows.length < context.batchSize) {
      // Caught up: the next run starts from the oldest open row again.
      await context.redis.del(key);
      return;
    }
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAtText, id: last.id };
    await context.redis.set(key, JSON.stringify(after), "EX", 24 * 3600);
  }
}

async function checkOpenRow(context: Context, row: OpenRow, outcome: ReconcileOutcome): Promise<void> {
  const { db, queues, redis } = context;
  const job = await queues.getJob(row.queue, row.id);
  if (!job) {
    // A write still held for it is young (older ones were landed above): its process is on it.
    if (await findHeldLedgerWrite(redis, queues.prefix, row.id)) return;
    const at = new Date(context.now);
    const changed = await updateRun(row.id, { state: "LOST", failedReason: LOST_REASON, finishedAt: at }, { db, onlyIfState: row.state });
    if (changed > 0) {
      outcome.lost++;
      await publish(context, "job:failed", { jobId: row.id, type: row.queue, name: row.name, ownerId: row.ownerId, organizationId: row.organizationId, progress: 0, message: LOST_REASON, failedReason: LOST_REASON });
    }
    return;
  }
  const state = await job.getState();
  if (state !== "completed" && state !== "failed") return;
  if ((job.finishedOn ?? 0) > context.cutoff) return;
  const finished = await finishedUpdate(context, row.queue, job, state);
  const changed = await updateRun(row.id, finished.update, { db, onlyIfState: OPEN_RUN_STATES });
  if (changed === 0) return;
  outcome.outcomesRecorded++;
  if (finished.cancelled) await redis.del(cancelRequestKey(queues.prefix, row.id));
  const owner = jobOwner(job.data);
  await publish(context, finished.event, { jobId: row.id, type: row.queue, name: job.name, ...owner, ...finished.fields });
  if (!finished.cancelled) {
    await notifyJobFinished(db, { jobId: row.id, queue: row.queue, name: job.name, ownerId: owner.ownerId, status: state, message: finished.fields.message });
  }
}

/** A finished job's outcome as the worker would have recorded it. */
async function finishedUpdate(context: Context, key: QueueKey, job: Job, state: "completed" | "failed") {
  const progress = readProgress(job.progress);
  const finishedAt = new Date(job.finishedOn ?? context.now);
  if (state === "completed") {
    const update: RunUpdate = { state: "COMPLETED", result: job.returnvalue ?? null, finishedAt, progress: 100, progressText: progress.message ?? "Complete", failedReason: null, attempts: job.attemptsMade };
    let summary: JobEventPayload["summary"];
    try {
      summary = queueDefinition(key).summarize(job.returnvalue as never);
    } catch {
      summary = undefined;
    }
    return { update, cancelled: false, event: "job:complete" as JobEventType, fields: { progress: 100, message: "Complete", summary, attemptsMade: job.attemptsMade } };
  }
  // A cancellation leaves its request in Redis until the worker's record of it lands.
  const cancelReason = await context.redis.get(cancelRequestKey(context.queues.prefix, job.id!));
  const reason = cancelReason ?? (job.failedReason || "Failed");
  const update: RunUpdate = cancelReason
    ? { state: "CANCELLED", failedReason: reason, attempts: job.attemptsMade, finishedAt }
    : { state: "FAILED", failedReason: reason, failureFingerprint: failureFingerprint(key, job.name, reason), attempts: job.attemptsMade, finishedAt };
  return { update, cancelled: Boolean(cancelReason), event: "job:failed" as JobEventType, fields: { progress: progress.percent, message: reason, failedReason: reason, attemptsMade: job.attemptsMade } };
}

/** Redis job states whose jobs are checked for a missing ledger row; waiting jobs are looked at up to one batch per state and run, finished ones through a keyset on their finish time. */
const UNFINISHED_STATES = ["active", "wait", "prioritized", "delayed"] as const;

async function adoptJobsWithoutRows(context: Context, key: QueueKey, outcome: ReconcileOutcome): Promise<void> {
  const queue = context.queues.queue(key);
  const unfinished = await queue.getRanges([...UNFINISHED_STATES], 0, context.batchSize - 1, true);
  await adopt(context, key, unfinished, outcome);
  for (const finishedState of ["completed", "failed"] as const) {
    const setKey = queue.toKey(finishedState);
    const cursorName = cursorKey(context, `${key}:${finishedState}`);
    let from = (await context.redis.get(cursorName)) ?? "0";
    for (let batch = 0; batch < context.maxBatches; batch++) {
      // Scored by finish time: everything finished since the last run's end, up to the grace period.
      const page = await context.redis.zrangebyscore(setKey, from, context.cutoff, "WITHSCORES", "LIMIT", 0, context.batchSize);
      const ids = page.filter((_, index) => index % 2 === 0);
      if (ids.length === 0) break;
      await adopt(context, key, ids, outcome);
      // Inclusive: jobs sharing the last score are looked at again next time rather than skipped.
      from = page[page.length - 1]!;
      await context.redis.set(cursorName, from, "EX", 30 * 24 * 3600);
      if (ids.length < context.batchSize) break;
    }
  }
}

async function adopt(context: Context, key: QueueKey, ids: readonly string[], outcome: ReconcileOutcome): Promise<void> {
  if (ids.length === 0) return;
  const { rows } = await sqlPool(context.db).query<{ id: string }>(`SELECT "id" FROM "JobRun" WHERE "id" = ANY($1::text[])`, [ids]);
  const known = new Set(rows.map((row) => row.id));
  for (const id of ids) {
    if (known.has(id)) continue;
    const job = await context.queues.getJob(key, id);
    if (!job || job.timestamp > context.cutoff) continue;
    if (await createRunForJob(context, key, job)) outcome.rowsCreated++;
  }
}

const STATE_OF: Record<string, JobState> = { active: "ACTIVE", waiting: "WAITING", prioritized: "WAITING", "waiting-children": "WAITING", delayed: "DELAYED", completed: "COMPLETED", failed: "FAILED" };

/**
 * The row the enqueue would have written, with what the job has done since. Owner and organisation
 * that do not exist (job data written by hand) are left empty rather than refused by their keys.
 * Exported so the enqueue's own repair path and its tests can call it for one job.
 */
export async function createRunForJob(context: Pick<Context, "db" | "redis" | "queues" | "now">, key: QueueKey, job: Job): Promise<boolean> {
  const definition = queueDefinition(key);
  const payload = jobPayload(job.data);
  const owner = jobOwner(job.data);
  let businessKey: string | null = null;
  try {
    businessKey = (definition.subject?.id(payload as never) as string | undefined) ?? null;
  } catch {
    businessKey = null;
  }
  const redisState = await job.getState();
  const finished = redisState === "completed" || redisState === "failed" ? await finishedUpdate(context as Context, key, job, redisState) : undefined;
  const update = finished?.update;
  const { rowCount } = await sqlPool(context.db).query(
    `INSERT INTO "JobRun" ("id", "queue", "name", "ownerId", "organizationId", "businessKey", "data", "priority", "state", "progress", "progressText",
                           "attempts", "result", "failedReason", "failureFingerprint", "createdAt", "startedAt", "finishedAt", "updatedAt")
     VALUES ($1, $2, $3, (SELECT "id" FROM "User" WHERE "id" = $4), (SELECT "id" FROM "Organization" WHERE "id" = $5), $6, $7::jsonb, $8, $9::"JobState", $10, $11,
             $12, $13::jsonb, $14, $15, ($16::timestamptz AT TIME ZONE 'UTC'), ($17::timestamptz AT TIME ZONE 'UTC'), ($18::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))
     ON CONFLICT ("id") DO NOTHING`,
    [
      job.id,
      key,
      job.name,
      owner.ownerId,
      owner.organizationId,
      businessKey,
      JSON.stringify(payload ?? null),
      job.priority || null,
      update?.state ?? STATE_OF[redisState] ?? "WAITING",
      update?.progress ?? readProgress(job.progress).percent,
      update?.progressText ?? readProgress(job.progress).message,
      job.attemptsMade,
      update?.result === undefined ? null : JSON.stringify(update.result),
      update?.failedReason ?? null,
      update?.failureFingerprint ?? null,
      new Date(job.timestamp).toISOString(),
      job.processedOn ? new Date(job.processedOn).toISOString() : null,
      job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    ],
  );
  return (rowCount ?? 0) > 0;
}

async function publish(context: Context, type: JobEventType, payload: Omit<JobEventPayload, "timestamp">): Promise<void> {
  await publishJobEvent(context.redis, context.queues.prefix, type, { ...payload, timestamp: Date.now() });
}
