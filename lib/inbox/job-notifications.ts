import type { Db } from "../db";
import { isQueueKey, queueDefinition, type QueueKey } from "../jobs/catalog";
import { writeNotifications } from "./inbox";

/** One notification per finished job of a user (completed, or failed for good), in the owner's inbox. */
export type JobNotificationKind = "job.completed" | "job.failed";

export interface FinishedJob {
  jobId: string;
  queue: QueueKey;
  name: string;
  ownerId: string | null;
  status: "completed" | "failed";
  /** The last step message of a completed job, or the failure reason of a failed one. */
  message: string;
}

const MAX_BODY = 500;

/** Tells the job's owner it has finished; jobs nobody owns (system jobs) notify no one. */
export function notifyJobFinished(db: Db, finished: FinishedJob): Promise<void> {
  return notifyJobsFinished(db, [finished]);
}

/** The same for many jobs in one statement: the worker batches them (see lib/batch-writer.ts). */
export async function notifyJobsFinished(db: Db, finished: readonly FinishedJob[]): Promise<void> {
  const owned = finished.filter((job): job is FinishedJob & { ownerId: string } => Boolean(job.ownerId));
  await writeNotifications(
    owned.map((job) => ({
      userId: job.ownerId,
      kind: (job.status === "completed" ? "job.completed" : "job.failed") satisfies JobNotificationKind,
      ...describeFinishedJob(job),
      jobId: job.jobId,
    })),
    { db },
  );
}

export function describeFinishedJob(finished: Pick<FinishedJob, "queue" | "name" | "status" | "message">): { title: string; body: string } {
  const label = isQueueKey(finished.queue) ? queueDefinition(finished.queue).label : finished.queue;
  const title = `${label} ${finished.status === "completed" ? "completed" : "failed"}`;
  const subject = finished.name.startsWith("forecast:") ? finished.name.slice("forecast:".length) : finished.name;
  const detail = finished.status === "failed" ? finished.message.trim() : "";
  const body = detail ? `${subject}: ${detail}` : subject;
  return { title, body: body.length > MAX_BODY ? `${body.slice(0, MAX_BODY - 1)}…` : body };
}
