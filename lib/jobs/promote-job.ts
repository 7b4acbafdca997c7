import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { QueueKey } from "./catalog";
import { findJob } from "./find-job";
import { updateRun } from "./ledger";
import { queueManager as defaultQueueManager, userState, type QueueManager } from "./queue-manager";
import { appendRunEvents } from "./run-events";

export type PromoteResult = { ok: true } | { ok: false; code: "job-not-found" } | { ok: false; code: "job-not-delayed"; state: string };

/** Runs a delayed job now (it joins the waiting jobs at its priority); admins only, audited. */
export async function promoteJob(
  key: QueueKey,
  jobId: string,
  principal: Principal,
  { db = defaultDb(), queues = defaultQueueManager() }: { db?: Db; queues?: QueueManager } = {},
): Promise<PromoteResult> {
  const found = await findJob(key, jobId, principal, { db, queues });
  if (!found) return { ok: false, code: "job-not-found" };
  const { run, job } = found;
  if (!job) return { ok: false, code: "job-not-delayed", state: run!.state.toLowerCase() };
  const state = userState(await job.getState());
  if (state !== "delayed") return { ok: false, code: "job-not-delayed", state };

  // Taken before the promotion, so the event sorts before the attempt a worker may start at once.
  const at = new Date();
  try {
    await job.promote();
  } catch (error) {
    // It became ready (or was taken) between our read and the promotion.
    const current = userState(await job.getState());
    if (current !== "delayed") return { ok: false, code: "job-not-delayed", state: current };
    throw error;
  }
  // Only a row still DELAYED moves, so a worker that already marked the job ACTIVE is not undone.
  await updateRun(jobId, { state: "WAITING" }, { db, onlyIfState: "DELAYED" });
  await appendRunEvents([{ runId: jobId, kind: "promoted", at, message: `Promoted by ${principal.name}`, actorId: principal.id }], { db });
  await recordAudit({ actorId: principal.id, action: "job.promote", target: `${key}/${jobId}`, jobCount: 1 }, { db });
  return { ok: true };
}
