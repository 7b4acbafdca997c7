import type { Job } from "bullmq";
import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import type { JobRun } from "../generated/prisma/client";
import type { QueueKey } from "./catalog";
import { canAccess } from "./job-status";
import { findRun } from "./ledger";
import type { QueueManager } from "./queue-manager";

export type FoundJob = { run: JobRun | null; job: Job | undefined };

/**
 * A job's ledger row and BullMQ job, or null when the caller may not see it: a job of another
 * queue, a planner's view of someone else's job, or nothing at all under that id.
 */
export async function findJob(key: QueueKey, jobId: string, principal: Principal, { db, queues }: { db: Db; queues: QueueManager }): Promise<FoundJob | null> {
  const [run, job] = await Promise.all([findRun(jobId, { db }), queues.getJob(key, jobId)]);
  if (run && run.queue !== key) return null;
  if (!canAccess(principal, run, Boolean(job))) return null;
  if (!run && !job) return null;
  return { run, job };
}
