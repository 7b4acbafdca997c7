import { encodeKeysetCursor, type KeysetCursor } from "../api/keyset-cursor";
import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { JobRun } from "../generated/prisma/client";
import type { QueueKey } from "./catalog";
import { jobPayload } from "./job-data";
import { findRun, type RunFilter } from "./ledger";
import { queueManager as defaultQueueManager, readProgress, type JobStateName, type QueueManager } from "./queue-manager";
import { estimateEta, needsEta, runDurationStats, type RunEta } from "./run-eta";
import { LEDGER_STATES, type RunStateFilter } from "./run-states";

export { RUN_STATE_FILTERS, type RunStateFilter } from "./run-states";
import { describeSubjects, type Subject } from "./subjects";

export interface JobStatus {
  id: string;
  queue: QueueKey;
  name: string;
  /** "lost": the ledger reconciler found the job gone from Redis before its outcome was recorded. */
  state: JobStateName | "cancelled" | "lost";
  progress: number;
  progressMessage: string | null;
  data: unknown;
  result: unknown;
  failedReason: string | null;
  stacktrace: string[];
  attemptsMade: number;
  attempts: number | null;
  priority: number | null;
  ownerId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** "redis" while BullMQ still holds the job; "ledger" once retention has dropped it. */
  source: "redis" | "ledger";
}

type Deps = { db?: Db; queues?: QueueManager };

/**
 * A job's status for a caller: live from Redis while it is there, from the ledger afterwards.
 * Planners only see their own jobs; someone else's job is reported as not found, not forbidden,
 * so ids cannot be probed.
 */
export async function getJobStatus(
  key: QueueKey,
  jobId: string,
  principal: Principal,
  { db = defaultDb(), queues = defaultQueueManager() }: Deps = {},
): Promise<JobStatus | null> {
  const [run, view] = await Promise.all([findRun(jobId, { db }), queues.jobView(key, jobId)]);
  if (run && run.queue !== key) return null;
  if (!canAccess(principal, run, Boolean(view))) return null;
  if (view) {
    // Who the job is for rides along for the worker; it is not part of the payload.
    const data = jobPayload(view.data);
    return {
      id: view.id,
      queue: key,
      name: view.name,
      state: view.state,
      progress: view.progress,
      progressMessage: view.progressMessage,
      data,
      result: view.returnValue,
      failedReason: view.failedReason,
      stacktrace: principal.role === "ADMIN" ? view.stacktrace : [],
      attemptsMade: view.attemptsMade,
      attempts: view.attempts,
      priority: view.priority,
      ownerId: run?.ownerId ?? null,
      createdAt: new Date(view.timestamp).toISOString(),
      startedAt: view.processedOn ? new Date(view.processedOn).toISOString() : null,
      finishedAt: view.finishedOn ? new Date(view.finishedOn).toISOString() : null,
      source: "redis",
    };
  }
  if (!run) return null;
  return ledgerStatus(run);
}

/**
 * Admins see everything; planners their own runs, of their own organisation (a run they started
 * before moving to another organisation stays with the old one); jobs with no ledger row are admin-only.
 */
export function canAccess(principal: Principal, run: Pick<JobRun, "ownerId" | "organizationId"> | null, existsInRedis: boolean): boolean {
  if (principal.role === "ADMIN") return Boolean(run) || existsInRedis;
  return run?.ownerId === principal.id && run.organizationId === principal.organizationId;
}

export function ledgerStatus(run: JobRun): JobStatus {
  return {
    id: run.id,
    queue: run.queue as QueueKey,
    name: run.name,
    state: run.state.toLowerCase() as JobStatus["state"],
    progress: run.progress,
    progressMessage: run.progressText,
    data: run.data,
    result: run.result,
    failedReason: run.failedReason,
    stacktrace: [],
    attemptsMade: run.attempts,
    attempts: null,
    priority: run.priority,
    ownerId: run.ownerId,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    source: "ledger",
  };
}

export interface RecentRunFilter extends Omit<RunFilter, "take"> {
  /** Only runs working for this organisation. */
  organizationId?: string;
  state?: RunStateFilter;
  /** Rows strictly older than this position (newest first). */
  after?: KeysetCursor;
  take?: number;
  /** Subjects are named only when they belong to this organisation (a planner's, see ownScope); any organisation's when left out. */
  subjectOrganizationId?: string;
}

/** A run as lists show it: its status and subject plus, while it has yet to finish, an ETA from past runs of its type. */
export interface RunListItem extends JobStatus {
  eta: RunEta | null;
  /** What the run is about (lib/jobs/subjects.ts); null when its queue declares no subject or it has no business key. */
  subject: Subject | null;
}

/**
 * Recent runs for a list, newest first: ledger rows, with the live progress of the active ones read
 * from Redis (the ledger records state changes, not every progress step), and an ETA for the ones
 * that have not finished.
 */
export async function listRecentRuns(
  filter: RecentRunFilter,
  { db = defaultDb(), queues = defaultQueueManager(), now = Date.now() }: Deps & { now?: number } = {},
): Promise<RunListItem[]> {
  const after = filter.after;
  const runs = await db.jobRun.findMany({
    where: {
      ownerId: filter.ownerId,
      organizationId: filter.organizationId,
      queue: filter.queue,
      businessKey: filter.businessKey,
      state: filter.state ? { in: LEDGER_STATES[filter.state] } : undefined,
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.take ?? 20,
  });
  const statuses = await Promise.all(
    runs.map(async (run) => {
      const status = ledgerStatus(run);
      if (run.state !== "ACTIVE" || !queues.isConnected) return status;
      const job = await queues.getJob(run.queue as QueueKey, run.id).catch(() => undefined);
      if (!job) return status;
      const progress = readProgress(job.progress);
      return { ...status, progress: progress.percent, progressMessage: progress.message };
    }),
  );
  const unfinished = statuses.filter((status) => needsEta(status.state));
  const [stats, subjects] = await Promise.all([
    runDurationStats(unfinished.map((status) => ({ queue: status.queue, name: status.name })), { db }),
    describeSubjects(runs.map((run) => ({ queue: run.queue, businessKey: run.businessKey, organizationId: filter.subjectOrganizationId })), { db }),
  ]);
  return statuses.map((status, index) => ({ ...status, eta: estimateEta({ ...status, startedAt: status.startedAt }, stats, now), subject: subjects[index]! }));
}

/** One page of runs and the cursor of the next (null on the last page). */
export async function listRunsPage(
  filter: RecentRunFilter & { take: number },
  deps: Deps & { now?: number } = {},
): Promise<{ jobs: RunListItem[]; nextCursor: string | null }> {
  // One row more than asked tells whether another page exists without a count.
  const rows = await listRecentRuns({ ...filter, take: filter.take + 1 }, deps);
  const jobs = rows.slice(0, filter.take);
  const last = jobs.at(-1);
  const nextCursor = rows.length > filter.take && last ? encodeKeysetCursor({ at: new Date(last.createdAt), id: last.id }) : null;
  return { jobs, nextCursor };
}
