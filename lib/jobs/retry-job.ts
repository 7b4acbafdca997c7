import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { recordAudit } from "../audit";
import type { QueueKey } from "./catalog";
import { canAccess } from "./job-status";
import { findRun, updateRun } from "./ledger";
import { queueManager as defaultQueueManager, type QueueManager } from "./queue-manager";
import { appendRunEvents } from "./run-events";

export type RetryResult = { ok: true } | { ok: false; code: "job-not-found" } | { ok: false; code: "job-not-failed"; state: string };

/** Retries a failed job the caller may see; the ledger row goes back to waiting. */
export async function retryJob(
  key: QueueKey,
  jobId: string,
  principal: Principal,
  { db = defaultDb(), queues = defaultQueueManager() }: { db?: Db; queues?: QueueManager } = {},
): Promise<RetryResult> {
  const [run, job] = await Promise.all([findRun(jobId, { db }), queues.getJob(key, jobId)]);
  if ((run && run.queue !== key) || !canAccess(principal, run, Boolean(job))) return { ok: false, code: "job-not-found" };
  // Only a row that still says FAILED is reopened, so a second, concurrent retry cannot set a job
  // that is already running back to WAITING.
  const reopen = async () => {
    await updateRun(jobId, { state: "WAITING", failedReason: null, finishedAt: null, progress: 0, progressText: null }, { db, onlyIfState: "FAILED" });
    await appendRunEvents([{ runId: jobId, kind: "retried", message: `Retried by ${principal.name}`, actorId: principal.id }], { db });
  };
  let result: Awaited<ReturnType<QueueManager["retryJob"]>>;
  try {
    result = await queues.retryJob(key, jobId, reopen);
  } catch (error) {
    // Redis refused the retry after the ledger was reopened: put the failure back.
    if (run) {
      await updateRun(jobId, { state: "FAILED", failedReason: run.failedReason, finishedAt: run.finishedAt }, { db, onlyIfState: "WAITING" }).catch(() => {});
    }
    throw error;
  }
  if (!result.ok) return result;
  if (principal.role === "ADMIN" && run?.ownerId !== principal.id) {
    await recordAudit({ actorId: principal.id, action: "job.retry", target: `${key}/${jobId}`, jobCount: 1 }, { db });
  }
  return { ok: true };
}
