import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { logger } from "../logger";
import { type RedisClient, sharedRedis } from "../redis";
import { removeThenMark } from "./held-ledger-writes";
import type { RunUpdate } from "./ledger";
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
  { db = defaultDb(), queues = defaultQueueManager(), redis = sharedRedis("producer") }: { db?: Db; queues?: QueueManager; redis?: RedisClient } = {},
): Promise<RemoveResult> {
  const found = await findJob(key, jobId, principal, { db, queues });
  if (!found) return { ok: false, code: "job-not-found" };
  const { run, job } = found;
  if (!job) return { ok: false, code: "job-not-in-queue", removedAt: run?.removedAt ?? null };
  const state = userState(await job.getState());
  if (state === "active") return { ok: false, code: "job-active" };

  const at = new Date();
  const cancelled = state === "waiting" || state === "delayed";
  const reason = `Removed by ${principal.name}`;
  const update: RunUpdate = cancelled ? { removedAt: at, state: "CANCELLED", finishedAt: at, failedReason: reason } : { removedAt: at };
  let ledger: "written" | "held" = "written";
  try {
    // The mark is held in Redis before the job leaves it, so a failure between the two steps leaves
    // it for the ledger reconciler (see removeThenMark).
    if (run) ({ ledger } = await removeThenMark([{ jobId, queue: key, update }], () => job.remove(), { db, redis, prefix: queues.prefix }));
    else await job.remove();
  } catch (error) {
    // BullMQ refuses to remove a locked job: a worker took it after our read.
    if (userState(await job.getState()) === "active") return { ok: false, code: "job-active" };
    throw error;
  }

  if (run && ledger === "written") {
    await appendRunEvents([{ runId: jobId, kind: "removed", at, message: cancelled ? `${reason} before it ran to the end` : reason, actorId: principal.id }], { db });
  }
  if (ledger === "held") logger().error({ jobId, queue: key }, "removed a job but could not write the ledger; the ledger reconciler lands the held mark");
  await recordAudit({ actorId: principal.id, action: "job.remove", target: `${key}/${jobId}`, details: { state }, jobCount: 1 }, { db });
  return { ok: true, previousState: state, cancelled };
}
