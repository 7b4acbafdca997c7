import type { Job, JobType } from "bullmq";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import type { QueueKey } from "./catalog";
import { queueManager as defaultQueueManager, readProgress, type QueueManager } from "./queue-manager";

/** The states an admin can list a queue's jobs by (prioritized jobs are "waiting" to users). */
export const QUEUE_JOB_STATES = ["waiting", "active", "delayed", "completed", "failed"] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];

export interface QueueJobRow {
  id: string;
  name: string;
  state: QueueJobState;
  /** The ledger says the job was cancelled (BullMQ keeps a stopped attempt as failed). */
  cancelled: boolean;
  progress: number;
  progressMessage: string | null;
  attemptsMade: number;
  attempts: number;
  priority: number;
  owner: { id: string; email: string; name: string } | null;
  createdAt: string;
  processedAt: string | null;
  finishedAt: string | null;
  /** When a delayed job becomes ready to run. */
  runAt: string | null;
  failedReason: string | null;
}

export interface QueueJobsPage {
  queue: QueueKey;
  state: QueueJobState;
  page: number;
  pageSize: number;
  /** Jobs in the listed state, for the pager. */
  total: number;
  pageCount: number;
  /** Jobs per state, for the tabs. */
  counts: Record<QueueJobState, number>;
  jobs: QueueJobRow[];
}

/** One contiguous index range inside one BullMQ set or list. */
interface Slice {
  type: JobType;
  start: number;
  end: number;
  asc: boolean;
}

/**
 * Which parts of which BullMQ sets hold the jobs at indexes [start, end] of a state as the UI
 * orders it. Waiting jobs live in two places: the plain `wait` list (jobs with no priority, which
 * BullMQ runs first) and the `prioritized` ZSET (every job this app adds); they are shown in the
 * order they will run, the wait list first, then the prioritized set by priority. Delayed jobs run
 * soonest first; finished and active ones are shown newest first.
 */
export function slicesFor(state: QueueJobState, start: number, end: number, sizes: { wait: number; prioritized: number }): Slice[] {
  if (end < start) return [];
  if (state !== "waiting") {
    const type: JobType = state;
    return [{ type, start, end, asc: state === "delayed" }];
  }
  const slices: Slice[] = [];
  if (start < sizes.wait) slices.push({ type: "wait", start, end: Math.min(end, sizes.wait - 1), asc: true });
  if (end >= sizes.wait) {
    const from = Math.max(start - sizes.wait, 0);
    const to = Math.min(end - sizes.wait, sizes.prioritized - 1);
    if (to >= from) slices.push({ type: "prioritized", start: from, end: to, asc: true });
  }
  return slices;
}

export interface ListQueueJobsRequest {
  queue: QueueKey;
  state: QueueJobState;
  /** 1-based. */
  page: number;
  pageSize: number;
}

/**
 * One page of a queue's jobs in one state, read by index range: BullMQ is asked only for the
 * jobs on the page and for the counts, never for a whole set, so the cost does not grow with the
 * queue. Owners and cancellations come from the ledger in one query for the page's ids.
 */
export async function listQueueJobs(
  request: ListQueueJobsRequest,
  { db = defaultDb(), queues = defaultQueueManager() }: { db?: Db; queues?: QueueManager } = {},
): Promise<QueueJobsPage> {
  const queue = queues.queue(request.queue);
  const raw = await queue.getJobCounts("wait", "prioritized", "active", "delayed", "completed", "failed");
  const sizes = { wait: raw.wait ?? 0, prioritized: raw.prioritized ?? 0 };
  const counts: Record<QueueJobState, number> = {
    waiting: sizes.wait + sizes.prioritized,
    active: raw.active ?? 0,
    delayed: raw.delayed ?? 0,
    completed: raw.completed ?? 0,
    failed: raw.failed ?? 0,
  };
  const total = counts[request.state];
  const pageCount = Math.max(1, Math.ceil(total / request.pageSize));
  const start = (request.page - 1) * request.pageSize;
  const end = Math.min(start + request.pageSize, total) - 1;

  const slices = slicesFor(request.state, start, end, sizes);
  const parts = await Promise.all(slices.map((slice) => queue.getJobs([slice.type], slice.start, slice.end, slice.asc)));
  // A job that finished between the count and the read leaves a hole; it is skipped, not shown empty.
  const jobs = parts.flat().filter((job): job is Job => Boolean(job?.id));
  const ledger = await ledgerInfo(
    jobs.map((job) => job.id!),
    db,
  );

  return {
    queue: request.queue,
    state: request.state,
    page: request.page,
    pageSize: request.pageSize,
    total,
    pageCount,
    counts,
    jobs: jobs.map((job) => toRow(job, request.state, ledger.get(job.id!))),
  };
}

interface LedgerInfo {
  state: string;
  owner: { id: string; email: string; name: string } | null;
}

async function ledgerInfo(ids: string[], db: Db): Promise<Map<string, LedgerInfo>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sqlPool(db).query<{ id: string; state: string; ownerId: string | null; email: string | null; ownerName: string | null }>(
    `SELECT r."id", r."state"::text AS "state", r."ownerId", u."email", u."name" AS "ownerName"
     FROM "JobRun" r LEFT JOIN "User" u ON u."id" = r."ownerId"
     WHERE r."id" = ANY($1::text[])`,
    [ids],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      { state: row.state, owner: row.ownerId && row.email ? { id: row.ownerId, email: row.email, name: row.ownerName ?? row.email } : null },
    ]),
  );
}

function toRow(job: Job, state: QueueJobState, ledger: LedgerInfo | undefined): QueueJobRow {
  const progress = readProgress(job.progress);
  const iso = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);
  return {
    id: job.id!,
    name: job.name,
    state,
    cancelled: ledger?.state === "CANCELLED",
    progress: progress.percent,
    progressMessage: progress.message,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    priority: job.priority,
    owner: ledger?.owner ?? null,
    createdAt: new Date(job.timestamp).toISOString(),
    processedAt: iso(job.processedOn),
    finishedAt: iso(job.finishedOn),
    runAt: state === "delayed" ? iso(job.timestamp + (job.delay ?? 0)) : null,
    failedReason: job.failedReason || null,
  };
}
