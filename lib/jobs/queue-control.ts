import { recordAudit } from "../audit";
import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { QueueKey } from "./catalog";
import { queueManager as defaultQueueManager, type CleanableState, type QueueManager } from "./queue-manager";

type Deps = { queues?: QueueManager; db?: Db };

/** Pauses or resumes a queue for every worker process, and audits it. */
export async function setQueuePaused(key: QueueKey, paused: boolean, actor: Principal, { queues = defaultQueueManager() }: Deps = {}) {
  if (paused) await queues.pause(key);
  else await queues.resume(key);
  await recordAudit({ actorId: actor.id, action: paused ? "queue.pause" : "queue.resume", target: key });
  return { queue: key, isPaused: paused };
}

export async function cleanQueue(
  key: QueueKey,
  request: { grace: number; limit: number; type: CleanableState },
  actor: Principal,
  { queues = defaultQueueManager(), db = defaultDb() }: Deps = {},
) {
  const removed = await queues.clean(key, request.grace, request.limit, request.type);
  // Jobs removed before they ran will never run: their ledger rows say so. Completed and failed
  // jobs keep their final state; the ledger is their history once Redis has dropped them.
  if (removed.length > 0 && request.type !== "completed" && request.type !== "failed") {
    await db.jobRun.updateMany({
      where: { id: { in: removed } },
      data: { state: "CANCELLED", finishedAt: new Date(), failedReason: `Removed by ${actor.email || actor.id} (queue clean)` },
    });
  }
  await recordAudit({ actorId: actor.id, action: "queue.clean", target: key, details: request, jobCount: removed.length }, { db });
  return { queue: key, type: request.type, removed: removed.length, jobIds: removed };
}
