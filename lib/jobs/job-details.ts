import type { Job } from "bullmq";
import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { type RedisClient, sharedRedis } from "../redis";
import { queueDefinition, type QueueKey } from "./catalog";
import { jobPayload } from "./job-data";
import { canAccess, ledgerStatus, type JobStatus } from "./job-status";
import { findRun } from "./ledger";
import { queueManager as defaultQueueManager, readProgress, userState, type QueueManager } from "./queue-manager";
import { resultLink, type ResultLink } from "./result-link";
import { listRunEvents, type RunEventKind } from "./run-events";
import { queueSettings } from "./settings";
import { ownScope } from "../organizations/scope";
import { describeSubject, type Subject } from "./subjects";
import { cancelRequestKey } from "./worker-registry";

export interface JobOptionsView {
  attempts: number;
  backoff: { type: string; delay: number } | null;
  priority: number | null;
  /** Delay asked for when the job was added (ms). */
  delay: number;
  /** When a delayed job becomes ready. */
  runAt: string | null;
  /** How long BullMQ keeps the job after it finishes (ms); the ledger keeps it longer. */
  keepCompletedMs: number | null;
  keepFailedMs: number | null;
}

export interface TimelineEntry {
  /** "created" is the run's own creation time; everything else is a stored ledger event. */
  kind: RunEventKind | "created";
  at: string;
  attempt: number | null;
  progress: number | null;
  message: string | null;
  actor: { id: string; name: string } | null;
}

export interface AttemptSummary {
  attempt: number;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  outcome: "running" | "completed" | "failed" | "retrying" | "cancelled" | "unknown";
  message: string | null;
}

export interface JobDetails extends Omit<JobStatus, "attempts"> {
  queueLabel: string;
  owner: { id: string; email: string; name: string } | null;
  /** A cancellation was asked for and the worker has not stopped the attempt yet. */
  cancelling: boolean;
  removedAt: string | null;
  options: JobOptionsView;
  timeline: TimelineEntry[];
  attemptHistory: AttemptSummary[];
  /** Lines the processor logged: from BullMQ while it holds the job, from the ledger afterwards. */
  logs: { source: "redis" | "ledger"; lines: string[]; total: number };
  links: {
    /** What the run is about (lib/jobs/subjects.ts). */
    subject: Subject | null;
    /** Where the completed run's outcome is shown, when its queue has a page for it. */
    result: ResultLink | null;
  };
}

type Deps = { db?: Db; queues?: QueueManager; redis?: RedisClient };

const MAX_LOG_LINES = 1_000;

/**
 * Everything the job page shows about one job. Redis is the live source while BullMQ holds the
 * job; the ledger row and its events fill in history and take over once Redis has dropped it.
 * A cancelled job stays "cancelled" although BullMQ files its stopped attempt as failed.
 * Returns null for a job the caller may not see (planners: other users' jobs), as for a missing one.
 */
export async function getJobDetails(
  key: QueueKey,
  jobId: string,
  principal: Principal,
  { db = defaultDb(), queues = defaultQueueManager(), redis = sharedRedis("producer") }: Deps = {},
): Promise<JobDetails | null> {
  const [run, job] = await Promise.all([findRun(jobId, { db }), queues.getJob(key, jobId)]);
  if (run && run.queue !== key) return null;
  if (!canAccess(principal, run, Boolean(job))) return null;
  if (!run && !job) return null;
  const isAdmin = principal.role === "ADMIN";

  const [events, redisState, redisLogs, cancelPending] = await Promise.all([
    listRunEvents(jobId, { db }),
    job ? job.getState() : Promise.resolve(null),
    job ? queues.queue(key).getJobLogs(jobId, 0, MAX_LOG_LINES - 1, true) : Promise.resolve(null),
    job ? redis.exists(cancelRequestKey(queues.prefix, jobId)) : Promise.resolve(0),
  ]);

  const base = job ? fromRedis(key, job, redisState!, isAdmin) : ledgerStatus(run!);
  // A stopped attempt lands in BullMQ's failed set a moment before the worker records the
  // cancellation (and clears the request); in between, the pending request says what happened.
  const cancelled = run?.state === "CANCELLED" || (base.state === "failed" && cancelPending > 0);
  const status: JobStatus = cancelled ? { ...base, state: "cancelled" } : base;
  const ownerId = run?.ownerId ?? ((job?.data as { ownerId?: string } | undefined)?.ownerId ?? null);
  const [people, subject] = await Promise.all([
    users([...new Set([ownerId, ...events.map((event) => event.actorId)].filter((id): id is string => Boolean(id)))], db),
    describeSubject({ queue: key, businessKey: run?.businessKey ?? null, organizationId: ownScope(principal) }, { db }),
  ]);

  const timeline: TimelineEntry[] = [
    { kind: "created", at: (run?.createdAt ?? new Date(job!.timestamp)).toISOString(), attempt: null, progress: null, message: createdMessage(job, run?.priority ?? null), actor: actor(ownerId, people) },
    ...events.map((event) => ({
      kind: event.kind,
      at: event.at.toISOString(),
      attempt: event.attempt,
      progress: event.progress,
      message: event.message,
      actor: actor(event.actorId, people),
    })),
  ];
  const logs = redisLogs
    ? { source: "redis" as const, lines: redisLogs.logs, total: redisLogs.count }
    : (() => {
        const lines = events.filter((event) => event.kind === "log").map((event) => event.message ?? "");
        return { source: "ledger" as const, lines, total: lines.length };
      })();

  const { attempts: attemptBudget, ...rest } = status;
  const owner = ownerId ? people.get(ownerId) ?? null : null;
  return {
    ...rest,
    queueLabel: queueDefinition(key).label,
    owner: owner ? { id: ownerId!, email: owner.email, name: owner.name } : null,
    cancelling: status.state === "active" && cancelPending > 0,
    removedAt: run?.removedAt?.toISOString() ?? null,
    options: jobOptions(key, job, attemptBudget, run?.priority ?? null),
    timeline,
    attemptHistory: attemptHistory(events),
    logs,
    links: { subject, result: status.state === "completed" ? resultLink(key, jobId, status.result) : null },
  };
}

function fromRedis(key: QueueKey, job: Job, state: string, isAdmin: boolean): JobStatus {
  const data = jobPayload(job.data);
  const progress = readProgress(job.progress);
  return {
    id: job.id!,
    queue: key,
    name: job.name,
    state: userState(state),
    progress: progress.percent,
    progressMessage: progress.message,
    data,
    result: job.returnvalue ?? null,
    failedReason: job.failedReason || null,
    stacktrace: isAdmin ? (job.stacktrace ?? []) : [],
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    priority: job.priority,
    ownerId: ((job.data as { ownerId?: string } | undefined)?.ownerId as string | undefined) ?? null,
    createdAt: new Date(job.timestamp).toISOString(),
    startedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    source: "redis",
  };
}

function createdMessage(job: Job | undefined, priority: number | null): string {
  const parts = [`Added with priority ${job?.priority ?? priority ?? "default"}`];
  if (job?.opts.delay) parts.push(`delayed ${Math.round(job.opts.delay / 1000)} s`);
  return parts.join(", ");
}

function retention(value: unknown): number | null {
  if (value && typeof value === "object" && "age" in value && typeof (value as { age: unknown }).age === "number") return (value as { age: number }).age * 1000;
  return null;
}

/** The job's own options while Redis holds it; the queue's catalogue settings once it is gone. */
function jobOptions(key: QueueKey, job: Job | undefined, attempts: number | null, priority: number | null): JobOptionsView {
  const settings = queueSettings(key);
  if (!job) {
    return {
      attempts: attempts ?? settings.attempts,
      backoff: settings.backoff,
      priority,
      delay: 0,
      runAt: null,
      keepCompletedMs: settings.keepCompletedMs,
      keepFailedMs: settings.keepFailedMs,
    };
  }
  const backoff = job.opts.backoff;
  return {
    attempts: job.opts.attempts ?? 1,
    backoff: typeof backoff === "number" ? { type: "fixed", delay: backoff } : backoff ? { type: backoff.type, delay: backoff.delay ?? 0 } : null,
    priority: job.priority,
    delay: job.opts.delay ?? 0,
    runAt: job.delay > 0 ? new Date(job.timestamp + job.delay).toISOString() : null,
    keepCompletedMs: retention(job.opts.removeOnComplete),
    keepFailedMs: retention(job.opts.removeOnFail),
  };
}

const ENDS: Partial<Record<RunEventKind, AttemptSummary["outcome"]>> = {
  completed: "completed",
  failed: "failed",
  retrying: "retrying",
  cancelled: "cancelled",
};

/** Each attempt's start, end and duration, paired from the "active" event and the event that ended it. */
export function attemptHistory(events: readonly { kind: RunEventKind; at: Date; attempt: number | null; message: string | null }[]): AttemptSummary[] {
  const attempts: AttemptSummary[] = [];
  let open: AttemptSummary | undefined;
  for (const event of events) {
    if (event.kind === "active") {
      if (open) open.outcome = "unknown";
      open = { attempt: event.attempt ?? attempts.length + 1, startedAt: event.at.toISOString(), endedAt: null, durationMs: null, outcome: "running", message: null };
      attempts.push(open);
      continue;
    }
    const outcome = ENDS[event.kind];
    if (!outcome || !open) continue;
    open.endedAt = event.at.toISOString();
    open.durationMs = event.at.getTime() - Date.parse(open.startedAt);
    open.outcome = outcome;
    open.message = event.message;
    open = undefined;
  }
  return attempts;
}

async function users(ids: string[], db: Db): Promise<Map<string, { name: string; email: string }>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sqlPool(db).query<{ id: string; name: string; email: string }>(`SELECT "id", "name", "email" FROM "User" WHERE "id" = ANY($1::text[])`, [ids]);
  return new Map(rows.map((row) => [row.id, { name: row.name, email: row.email }]));
}

function actor(id: string | null, people: Map<string, { name: string }>): TimelineEntry["actor"] {
  if (!id) return null;
  return { id, name: people.get(id)?.name ?? "a deleted user" };
}
