import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import type { QueueKey } from "./catalog";
import { findJob } from "./find-job";
import { queueManager as defaultQueueManager, userState, type QueueManager } from "./queue-manager";
import { appendRunEvents } from "./run-events";

export type RemoveResult =
  | { ok: true; previousState: string; cancelled: boolean }
  | { ok: false; code: "job-not-found" }
  | { ok: false; code: "job-active" }
  | { ok: false; code: "job-not-in-queue"; removedAt: Date | null };

/**
 * Takes a job out of its queue for good; admins only, audited. The ledger row stays as history,
 * marked removed; a job that had not run to the end (waiting or delayed) is recorded as cancelled.
 * A running job is refused: it must be cancelled, so the worker holding it stops the work.
 */
export async function removeJob(
  key: QueueKey,
  jobId: string,
  principal: Principal,
  { db = defaultDb(), queues = defaultQueueManager() }: { db?: Db; queues?: QueueManager } = {},
): Promise<RemoveResult> {
  const found = await findJob(key, jobId, principal, { db, queues });
  if (!found) return { ok: false, code: "job-not-found" };
  const { run, job } = found;
  if (!job) return { ok: false, code: "job-not-in-queue", removedAt: run?.removedAt ?? null };
  const state = userState(await job.getState());
  if (state === "active") return { ok: false, code: "job-active" };

  const at = new Date();
  try {
    await job.remove();
  } catch (error) {
    // BullMQ refuses to remove a locked job: a worker took it after our read.
    if (userState(await job.getState()) === "active") return { ok: false, code: "job-active" };
    throw error;
  }

  const cancelled = state === "waiting" || state === "delayed";
  const reason = `Removed by ${principal.name}`;
  if (run) {
    // Plain SQL: the ledger's update helper does not know removedAt, and both columns change together.
    await sqlPool(db).query(
      cancelled
        ? `UPDATE "JobRun" SET "removedAt" = ($2::timestamptz AT TIME ZONE 'UTC'), "state" = 'CANCELLED', "finishedAt" = ($2::timestamptz AT TIME ZONE 'UTC'),
             "failedReason" = $3, "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE "id" = $1`
        : `UPDATE "JobRun" SET "removedAt" = ($2::timestamptz AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE "id" = $1`,
      cancelled ? [jobId, at.toISOString(), reason] : [jobId, at.toISOString()],
    );
    await appendRunEvents([{ runId: jobId, kind: "removed", at, message: cancelled ? `${reason} before it ran to the end` : reason, actorId: principal.id }], { db });
  }
  await recordAudit({ actorId: principal.id, action: "job.remove", target: `${key}/${jobId}`, details: { state }, jobCount: 1 }, { db });
  return { ok: true, previousState: state, cancelled };
}
