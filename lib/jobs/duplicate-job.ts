import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { QueueKey } from "./catalog";
import { jobOwner, jobPayload } from "./job-data";
import { enqueueJob, type EnqueueFailure, type RunState } from "./enqueue-job";
import { findJob } from "./find-job";
import { queueManager as defaultQueueManager, type QueueManager } from "./queue-manager";
import { appendRunEvents } from "./run-events";

export interface DuplicateRequest {
  /** The new job's payload; the original's when left out. Validated through the catalogue. */
  data?: unknown;
  /** The original's priority when left out. */
  priority?: number;
  /** Milliseconds; the copy runs as soon as a worker is free when left out. */
  delay?: number;
}

export type DuplicateResult =
  | { ok: true; jobId: string; state: RunState; deduplicated: boolean }
  | { ok: false; code: "job-not-found" }
  | EnqueueFailure;

/**
 * Adds a copy of a job, with edited data if given, owned by the admin who asked; the original's
 * timeline names the copy. Works from the ledger too, so a job Redis dropped can still be re-run.
 */
export async function duplicateJob(
  key: QueueKey,
  jobId: string,
  request: DuplicateRequest,
  principal: Principal,
  { db = defaultDb(), queues = defaultQueueManager() }: { db?: Db; queues?: QueueManager } = {},
): Promise<DuplicateResult> {
  const found = await findJob(key, jobId, principal, { db, queues });
  if (!found) return { ok: false, code: "job-not-found" };
  const { run, job } = found;
  // The copy works for the original's organisation (unless the edited data names one): named
  // beside the payload, where the scope of an enqueue reads it.
  const organizationId = run?.organizationId ?? jobOwner(job!.data).organizationId;
  const data = request.data === undefined ? (run ? run.data : jobPayload(job!.data)) : request.data;
  const result = await enqueueJob(
    {
      queue: key,
      name: run?.name ?? job!.name,
      data: withOrganization(data, organizationId),
      priority: request.priority ?? job?.priority ?? run?.priority ?? undefined,
      delay: request.delay,
      owner: principal,
    },
    { db, queues },
  );
  if (!result.ok) return result;
  // The queue's deduplication answered with the identical job that still waits or runs: no copy to record.
  if (result.deduplicated) return { ok: true, jobId: result.jobId, state: result.state, deduplicated: true };
  await appendRunEvents([{ runId: jobId, kind: "duplicated", message: `Duplicated as ${result.jobId} by ${principal.name}`, actorId: principal.id }], { db });
  await recordAudit(
    { actorId: principal.id, action: "job.duplicate", target: `${key}/${jobId}`, details: { newJobId: result.jobId, editedData: request.data !== undefined }, jobCount: 1 },
    { db },
  );
  return { ok: true, jobId: result.jobId, state: result.state, deduplicated: false };
}

function withOrganization(data: unknown, organizationId: string | null): unknown {
  if (!data || typeof data !== "object" || Array.isArray(data) || organizationId === null || "organizationId" in data) return data;
  return { ...(data as Record<string, unknown>), organizationId };
}
