import { recordAudit } from "../audit";
import type { Principal } from "../auth/principal";
import type { QueueKey } from "./catalog";
import { queueManager as defaultQueueManager, type CleanableState, type QueueManager } from "./queue-manager";

type Deps = { queues?: QueueManager };

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
  { queues = defaultQueueManager() }: Deps = {},
) {
  const removed = await queues.clean(key, request.grace, request.limit, request.type);
  await recordAudit({ actorId: actor.id, action: "queue.clean", target: key, details: request, jobCount: removed.length });
  return { queue: key, type: request.type, removed: removed.length, jobIds: removed };
}
