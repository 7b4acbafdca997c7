import type { RedisClient as Redis } from "../redis";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { sharedRedis } from "../redis";
import type { QueueKey } from "./catalog";
import { canAccess } from "./job-status";
import { logger } from "../logger";
import { removeThenMark } from "./held-ledger-writes";
import { findRun } from "./ledger";
import { queueManager as defaultQueueManager, userState, type QueueManager } from "./queue-manager";
import { appendRunEvents } from "./run-events";
import { requestJobCancel } from "./worker-registry";

export type CancelResult =
  | { ok: true; state: "cancelled" | "cancelling" }
  | { ok: false; code: "job-not-found" }
  | { ok: false; code: "job-not-cancellable"; state: string };

/**
 * Cancels a job that has not finished. A waiting or delayed job is taken off its queue at once; a
 * running one is stopped by the worker process that holds it (any host), within a second or two,
 * and is not retried. Owners may cancel their own jobs, admins any job.
 */
export async function cancelJob(
  key: QueueKey,
  jobId: string,
  principal: Principal,
  { db = defaultDb(), queues = defaultQueueManager(), redis = sharedRedis("producer") }: { db?: Db; queues?: QueueManager; redis?: Redis } = {},
): Promise<CancelResult> {
  const [run, job] = await Promise.all([findRun(jobId, { db }), queues.getJob(key, jobId)]);
  if ((run && run.queue !== key) || !canAccess(principal, run, Boolean(job)) || !job) return { ok: false, code: "job-not-found" };
  const reason = `Cancelled by ${principal.name}`;
  const state = userState(await job.getState());

  if (state === "waiting" || state === "delayed") {
    let ledger: "written" | "held";
    try {
      // The CANCELLED mark is held in Redis before the job leaves it: a failure or crash between
      // the two steps leaves the mark for the ledger reconciler, never an open row with no job.
      ({ ledger } = await removeThenMark(
        [{ jobId, queue: key, update: { state: "CANCELLED", finishedAt: new Date(), failedReason: reason } }],
        () => job.remove(),
        { db, redis, prefix: queues.prefix },
      ));
    } catch (error) {
      // A worker took the job between our read and the removal: stop it where it runs.
      if (userState(await job.getState()) === "active") return requestRunningCancel();
      throw error;
    }
    if (ledger === "held") {
      // The job is gone and its mark is safe in Redis; the timeline and audit need the database too.
      logger().error({ jobId, queue: key }, "cancelled a job but could not write the ledger; the ledger reconciler lands the held mark");
      await recordCancelled().catch((error: unknown) => logger().error({ err: error, jobId }, "could not record the cancellation in the timeline and audit"));
      return { ok: true, state: "cancelled" };
    }
    await recordCancelled();
    return { ok: true, state: "cancelled" };
  }
  if (state === "active") return requestRunningCancel();
  return { ok: false, code: "job-not-cancellable", state };

  async function recordCancelled() {
    await appendRunEvents([{ runId: jobId, kind: "cancelled", message: reason, actorId: principal.id }], { db });
    await audit();
  }

  async function requestRunningCancel(): Promise<CancelResult> {
    await requestJobCancel(redis, queues.prefix, jobId, reason);
    await appendRunEvents([{ runId: jobId, kind: "cancel-requested", message: reason, actorId: principal.id }], { db });
    await audit();
    return { ok: true, state: "cancelling" };
  }

  async function audit() {
    if (principal.role === "ADMIN" && run?.ownerId !== principal.id) {
      await recordAudit({ actorId: principal.id, action: "job.cancel", target: `${key}/${jobId}`, jobCount: 1 }, { db });
    }
  }
}
