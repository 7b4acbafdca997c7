import type { z } from "zod";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { QueueKey } from "./catalog";
import { runOrganization } from "../organizations/run-organization";
import { enqueueJob } from "./enqueue-job";
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
  | { ok: true; jobId: string; state: "waiting" | "delayed" }
  | { ok: false; code: "job-not-found" }
  | { ok: false; code: "forbidden"; message: string }
  | { ok: false; code: "invalid-payload"; issues: z.core.$ZodIssue[] };

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
  const original = run ? run.data : withoutOwner(job!.data);
  const data = request.data === undefined ? original : request.data;
  // The copy works for the same organisation as the original (or, about a product, the product's), not the admin's.
  const organization = await runOrganization(key, data, principal, { fallback: run?.organizationId ?? originalOrganization(job?.data) ?? principal.organizationId, db });
  const result = await enqueueJob(
    {
      queue: key,
      name: run?.name ?? job!.name,
      data,
      priority: request.priority ?? job?.priority ?? run?.priority ?? undefined,
      delay: request.delay,
      owner: { ...principal, organizationId: organization.ok ? organization.organizationId : principal.organizationId },
    },
    { db, queues },
  );
  if (!result.ok) return result;
  await appendRunEvents([{ runId: jobId, kind: "duplicated", message: `Duplicated as ${result.jobId} by ${principal.name}`, actorId: principal.id }], { db });
  await recordAudit(
    { actorId: principal.id, action: "job.duplicate", target: `${key}/${jobId}`, details: { newJobId: result.jobId, editedData: request.data !== undefined }, jobCount: 1 },
    { db },
  );
  return { ok: true, jobId: result.jobId, state: result.state };
}

function withoutOwner(data: unknown): unknown {
  if (!data || typeof data !== "object") return data;
  const { ownerId: _ownerId, organizationId: _organizationId, ...rest } = data as Record<string, unknown>;
  return rest;
}

/** The organisation stamped in a job's data at enqueue, for a job the ledger has no row of. */
function originalOrganization(data: unknown): string | undefined {
  const organizationId = data && typeof data === "object" ? (data as Record<string, unknown>).organizationId : undefined;
  return typeof organizationId === "string" ? organizationId : undefined;
}
