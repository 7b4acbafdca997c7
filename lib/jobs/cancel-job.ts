import type { RedisClient as Redis } from "../redis";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { sharedRedis } from "../redis";
import type { QueueKey } from "./catalog";
import { canAccess } from "./job-status";
import { findRun, updateRun } from "./ledger";
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
    try {
      await job.remove();
    } catch {
      // A worker took the job between our read and the removal: stop it where it runs.
      return requestRunningCancel();
    }
    await updateRun(jobId, { state: "CANCELLED", finishedAt: new Date(), failedReason: reason }, { db });
    await appendRunEvents([{ runId: jobId, kind: "cancelled", message: reason, actorId: principal.id }], { db });
    await audit();
    return { ok: true, state: "cancelled" };
  }
  if (state === "active") return requestRunningCancel();
  return { ok: false, code: "job-not-cancellable", state };

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
