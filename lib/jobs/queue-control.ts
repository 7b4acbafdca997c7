import { recordAudit } from "../audit";
import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { QueueKey } from "./catalog";
import { logger } from "../logger";
import { type RedisClient, sharedRedis } from "../redis";
import { holdLedgerWrites, newHeldWrite, writeHeldMarks } from "./held-ledger-writes";
import { OPEN_RUN_STATES } from "./ledger";
import { queueManager as defaultQueueManager, type CleanableState, type QueueManager } from "./queue-manager";

type Deps = { queues?: QueueManager; db?: Db };

/** Pauses or resumes a queue for every worker process, and audits it. */
export async function setQueuePaused(key: QueueKey, paused: boolean, actor: Principal, { queues = defaultQueueManager() }: Deps = {}) {
  if (paused) await queues.pause(key);
  else await queues.resume(key);
  await recordAudit({ actorId: actor.id, action: paused ? "queue.pause" : "queue.resume", target: key });
  return { queue: key, isPaused: paused };
}

/**
 * Removes old jobs of one state. BullMQ's clean removes and names them in one step, so the ledger's
 * marks can only follow it: they are held in Redis first and then written, so PostgreSQL failing
 * after the clean leaves them for the ledger reconciler. Only a crash in the instant between the
 * clean and the hold leaves rows behind unmarked; the reconciler then marks them LOST (their job
 * vanished), so no row stays open either way.
 */
export async function cleanQueue(
  key: QueueKey,
  request: { grace: number; limit: number; type: CleanableState },
  actor: Principal,
  { queues = defaultQueueManager(), db = defaultDb(), redis = sharedRedis("producer") }: Deps & { redis?: RedisClient } = {},
) {
  const removed = await queues.clean(key, request.grace, request.limit, request.type);
  // Jobs removed before they ran will never run: their ledger rows say so. Completed and failed
  // jobs keep their final state; the ledger is their history once Redis has dropped them.
  if (removed.length > 0 && request.type !== "completed" && request.type !== "failed") {
    const update = { state: "CANCELLED" as const, finishedAt: new Date(), failedReason: `Removed by ${actor.email || actor.id} (queue clean)` };
    const holds = removed.map((jobId) => newHeldWrite({ jobId, queue: key, when: "job-gone", update }));
    await holdLedgerWrites(redis, queues.prefix, holds).catch((error: unknown) => logger().error({ err: error, queue: key }, "could not hold the ledger marks of a queue clean"));
    const ledger = await writeHeldMarks(holds, {
      db,
      redis,
      prefix: queues.prefix,
      write: () => db.jobRun.updateMany({ where: { id: { in: removed }, state: { in: [...OPEN_RUN_STATES] } }, data: update }),
    });
    if (ledger === "held") {
      logger().error({ queue: key, removed: removed.length }, "cleaned a queue but could not write the ledger; the ledger reconciler lands the held marks");
      // The clean stands; an audit entry the database refuses now is logged rather than turned into a failed request.
      await audit().catch((error: unknown) => logger().error({ err: error, queue: key, request }, "could not audit a queue clean"));
      return { queue: key, type: request.type, removed: removed.length, jobIds: removed };
    }
  }
  await audit();
  return { queue: key, type: request.type, removed: removed.length, jobIds: removed };

  function audit() {
    return recordAudit({ actorId: actor.id, action: "queue.clean", target: key, details: request, jobCount: removed.length }, { db });
  }
}
