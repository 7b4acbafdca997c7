import type { Db } from "../db";
import { sqlPool } from "../db";
import { isQueueKey, queueDefinition, type QueueKey } from "../jobs/catalog";
import { describeSubjects } from "../jobs/subjects";
import { writeNotifications } from "../notifications/in-app";

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
  if (owned.length === 0) return;
  const subjects = await subjectLabels(db, owned.map((job) => job.jobId));
  await writeNotifications(
    owned.map((job) => ({
      userId: job.ownerId,
      kind: (job.status === "completed" ? "job.completed" : "job.failed") satisfies JobNotificationKind,
      ...describeFinishedJob({ ...job, subject: subjects.get(job.jobId) }),
      jobId: job.jobId,
    })),
    { db },
  );
}

/**
 * The subject labels of finished runs, by job id, from their ledger rows: one query for the rows and
 * one per subject kind among them. A subject is named as the run's organisation knows it.
 */
async function subjectLabels(db: Db, jobIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await sqlPool(db).query<{ id: string; queue: string; businessKey: string | null; organizationId: string | null }>(
    `SELECT "id", "queue", "businessKey", "organizationId" FROM "JobRun" WHERE "id" = ANY($1::text[]) AND "businessKey" IS NOT NULL`,
    [jobIds],
  );
  const subjects = await describeSubjects(rows, { db });
  return new Map(rows.flatMap((row, index) => (subjects[index] ? [[row.id, subjects[index].label] as const] : [])));
}

/** Title and body of a finished job's notification: its queue's label, and what it was about (its subject's label, else the job name). */
export function describeFinishedJob(finished: Pick<FinishedJob, "queue" | "name" | "status" | "message"> & { subject?: string }): { title: string; body: string } {
  const label = isQueueKey(finished.queue) ? queueDefinition(finished.queue).label : finished.queue;
  const title = `${label} ${finished.status === "completed" ? "completed" : "failed"}`;
  const subject = finished.subject ?? finished.name;
  const detail = finished.status === "failed" ? finished.message.trim() : "";
  const body = detail ? `${subject}: ${detail}` : subject;
  return { title, body: body.length > MAX_BODY ? `${body.slice(0, MAX_BODY - 1)}…` : body };
}
