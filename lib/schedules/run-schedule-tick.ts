import { UnrecoverableError } from "bullmq";
import { recordAudit } from "../audit";
import { db as defaultDb, type Db } from "../db";
import { enqueueJob } from "../jobs/enqueue-job";
import type { QueueKey } from "../jobs/catalog";
import type { QueueManager } from "../jobs/queue-manager";
import type { RedisClient } from "../redis";
import { batchLauncher as defaultBatchLauncher, type BatchLauncher, type BatchScope } from "./batch-launcher";
import { removeScheduler, type SchedulerQueue } from "./schedulers";

export type TickOutcome =
  | { started: "job"; jobId: string; deduplicated: boolean }
  | { started: "batch"; batchId: string; childCount: number }
  | { skipped: "deleted" | "paused" | "already-started" };

interface Deps {
  db?: Db;
  /** The maintenance queue, to drop the scheduler of a schedule that is gone or paused. */
  schedulerQueue: SchedulerQueue;
  queues?: QueueManager;
  /** Holds the idempotency keys. */
  redis?: RedisClient;
  batchLauncher?: BatchLauncher;
}

/**
 * One tick of a schedule: reads the schedule and starts its run as a normal job owned by the
 * schedule's creator (ledger row, subject checks, owner events, as if they had clicked "Run").
 * The idempotency key is the tick job's id (`repeat:<scheduler>:<due ms>`), so a tick that runs
 * again (a retry, a stalled worker) answers with the job its first run started instead of adding
 * another. A template that no longer passes (a product deleted, the creator's role changed) fails
 * the tick without retries; the next tick tries again.
 */
export async function runScheduleTick(scheduleId: string, tickId: string, deps: Deps): Promise<TickOutcome> {
  const db = deps.db ?? defaultDb();
  const schedule = await db.schedule.findUnique({ where: { id: scheduleId }, include: { createdBy: { select: { id: true, role: true, organizationId: true } } } });
  if (!schedule || schedule.paused) {
    // The table says no runs: a scheduler left behind by a failure between row and Redis goes now.
    await removeScheduler(deps.schedulerQueue, scheduleId);
    return { skipped: schedule ? "paused" : "deleted" };
  }
  const owner = schedule.createdBy;
  const idempotencyKey = `schedule:${tickId}`;
  const queue = schedule.queue as QueueKey;
  if (schedule.batchScope) {
    const launcher = deps.batchLauncher ?? defaultBatchLauncher;
    if (!launcher) throw new UnrecoverableError("batch schedules need the bulk flows, which this installation does not have");
    const launched = await launcher({ queue, scope: schedule.batchScope as BatchScope, data: schedule.data as Record<string, unknown>, owner, idempotencyKey });
    if (!launched.ok) throw new UnrecoverableError(launched.message);
    await recordRun(db, schedule.id, launched.batchId, { actorId: owner.id, action: "schedule.run", target: `batch/${launched.batchId}`, organizationId: schedule.organizationId, details: { scheduleId, tickId, childCount: launched.childCount } });
    return { started: "batch", batchId: launched.batchId, childCount: launched.childCount };
  }
  const result = await enqueueJob({ queue, name: schedule.jobName, data: schedule.data, owner, idempotencyKey }, { db, queues: deps.queues, redis: deps.redis });
  if (!result.ok) {
    // The schedule was edited between this tick's first run and this one: the first run's job stands.
    if (result.code === "idempotency-key-reused") return { skipped: "already-started" };
    if (result.code === "forbidden") throw new UnrecoverableError(result.message);
    if (result.code === "invalid-payload") throw new UnrecoverableError(`the schedule's job data is no longer valid: ${result.issues.map((issue) => `${issue.path.join(".") || "data"}: ${issue.message}`).join("; ")}`);
    throw new Error(`could not start the scheduled run (${result.code})`);
  }
  // A tick run again answers with its first run's job: the schedule points at it, audited once.
  const audit = result.deduplicated ? undefined : { actorId: owner.id, action: "schedule.run", target: `${queue}/${result.jobId}`, details: { scheduleId, tickId, name: schedule.name } };
  await recordRun(db, schedule.id, result.jobId, audit);
  return { started: "job", jobId: result.jobId, deduplicated: result.deduplicated };
}

async function recordRun(db: Db, scheduleId: string, runId: string, audit: Parameters<typeof recordAudit>[0] | undefined): Promise<void> {
  // updateMany: the schedule may have been deleted while its last tick ran.
  await db.schedule.updateMany({ where: { id: scheduleId }, data: { lastRunJobId: runId, lastRunAt: new Date() } });
  if (audit) await recordAudit(audit, { db });
}
