import { randomUUID } from "node:crypto";
import type { RedisClient as Redis } from "../redis";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { logger } from "../logger";
import { sharedRedis } from "../redis";
import { resolveUploadedFile, UPLOAD_FIRST } from "../uploads/uploaded-file";
import { queueDefinition, type QueueDefinition, type QueueKey } from "./catalog";
import {
  claimIdempotencyKey,
  idempotencyRedisKey,
  releaseIdempotencyKey,
  requestFingerprint,
  settleIdempotencyKey,
} from "./idempotency";
import { withOwner } from "./job-data";
import { resolveJobScope, type Caller, type PayloadIssue } from "./job-scope";
import { createRun, deleteRun, findRun } from "./ledger";
import { queueManager as defaultQueueManager, userState, type QueueManager } from "./queue-manager";

export type { PayloadIssue } from "./job-scope";

export interface EnqueueRequest {
  queue: QueueKey;
  name: string;
  data: unknown;
  priority?: number;
  delay?: number;
  /**
   * Makes the launch idempotent: the same key from the same user within 24 h returns the job the
   * first request added instead of adding another.
   */
  idempotencyKey?: string;
  owner: Caller;
}

/** A run's state as the API names it. */
export type RunState = "waiting" | "delayed" | "active" | "completed" | "failed" | "cancelled";

export type EnqueueFailure =
  | { ok: false; code: "forbidden"; message: string }
  | { ok: false; code: "invalid-payload"; issues: PayloadIssue[] }
  | { ok: false; code: "idempotency-key-reused"; message: string }
  | { ok: false; code: "idempotency-key-in-progress"; message: string };

export type Enqueued = {
  ok: true;
  jobId: string;
  queue: QueueKey;
  name: string;
  state: RunState;
  /** True when no job was added: an existing one answers this request (idempotency key or the queue's deduplication). */
  deduplicated: boolean;
};

export type EnqueueResult = Enqueued | EnqueueFailure;

interface Deps {
  db?: Db;
  queues?: QueueManager;
  /** Holds the idempotency keys. @defaultValue the shared producer connection */
  redis?: Redis;
}

/** How long a request waits for a simultaneous request with the same idempotency key to add its job. */
const IDEMPOTENCY_WAIT_MS = 5_000;

/**
 * Validates a launch against the catalogue and the caller, then adds the job: the ledger row first,
 * then the BullMQ job under the same id. If Redis refuses the job, or BullMQ answers with an
 * existing job (the queue's deduplication), the ledger row is removed again, so the ledger never
 * shows a run that no queue holds.
 */
export async function enqueueJob(request: EnqueueRequest, deps: Deps = {}): Promise<EnqueueResult> {
  const { db = defaultDb(), queues = defaultQueueManager() } = deps;
  const definition = queueDefinition(request.queue);
  if (!definition.enqueueRoles.includes(request.owner.role)) {
    return { ok: false, code: "forbidden", message: `Your role may not enqueue ${definition.label.toLowerCase()} jobs` };
  }
  const parsed = definition.payload.safeParse(request.data);
  if (!parsed.success) return { ok: false, code: "invalid-payload", issues: parsed.error.issues };
  const scope = await resolveJobScope(definition, request.data, parsed.data, request.owner, { db });
  if (!scope.ok) return scope;
  const payload = await withUploadedFile(definition, scope.payload, scope.organizationId);
  if (!payload.ok) return payload;

  // The business key is what the caller named (an upload's path as the upload endpoint returned
  // it), not the server path it resolved to, so a search by what the user knows finds the run.
  const businessKey = definition.subject?.id(scope.payload);
  const job: NewJob = { ...request, definition, payload: payload.value, organizationId: scope.organizationId, businessKey };
  if (request.idempotencyKey === undefined) return addJob(job, randomUUID(), { db, queues });
  return addIdempotently(job, request.idempotencyKey, { db, queues, redis: deps.redis ?? sharedRedis("producer") });
}

interface NewJob extends EnqueueRequest {
  definition: QueueDefinition;
  payload: unknown;
  organizationId: string;
  businessKey: string | undefined;
}

/**
 * The upload's real path in place of the path the client sent; a path outside the run's
 * organisation's upload directory is refused, so one organisation cannot import another's file.
 */
async function withUploadedFile(definition: QueueDefinition, payload: unknown, organizationId: string): Promise<{ ok: true; value: unknown } | EnqueueFailure> {
  const field = definition.uploadPathField;
  const filePath = field ? (payload as Record<string, unknown>)[field] : undefined;
  if (!field || typeof filePath !== "string") return { ok: true, value: payload };
  const resolved = await resolveUploadedFile(filePath, { organizationId });
  if (!resolved) return { ok: false, code: "invalid-payload", issues: [{ path: [field], message: UPLOAD_FIRST }] };
  return { ok: true, value: { ...(payload as object), [field]: resolved } };
}

async function addJob(job: NewJob, jobId: string, { db, queues }: { db: Db; queues: QueueManager }): Promise<Enqueued> {
  const { definition } = job;
  const delayed = (job.delay ?? 0) > 0;
  await createRun(
    {
      id: jobId,
      queue: job.queue,
      name: job.name,
      ownerId: job.owner.id,
      organizationId: job.organizationId,
      businessKey: job.businessKey,
      data: job.payload,
      priority: job.priority,
      delayed,
    },
    { db },
  );
  // Deduplication spans the whole queue, so the key is the organisation's: two organisations'
  // identical-looking jobs (the same integration id, say) are never each other's.
  const deduplicationKey = definition.deduplicationKey?.(job.payload);
  let addedId: string;
  try {
    const added = await queues.addJob(job.queue, job.name, withOwner(job.payload, { ownerId: job.owner.id, organizationId: job.organizationId }), {
      jobId,
      priority: job.priority,
      delay: job.delay,
      deduplicationId: deduplicationKey === undefined ? undefined : `${job.organizationId}:${deduplicationKey}`,
    });
    addedId = added.id!;
  } catch (error) {
    await deleteRun(jobId, { db }).catch(() => {});
    throw error;
  }
  const base = { ok: true as const, queue: job.queue, name: job.name };
  if (addedId === jobId) return { ...base, jobId, state: delayed ? "delayed" : "waiting", deduplicated: false };
  // BullMQ kept the identical job that waits or runs and added nothing. The launch has its answer
  // either way: a row that cannot be removed now is logged, not turned into a failed request.
  await deleteRun(jobId, { db }).catch((error: unknown) => logger().error({ err: error, jobId }, "could not remove the ledger row of a deduplicated launch"));
  return { ...base, jobId: addedId, state: await currentState(job.queue, addedId, { db, queues }), deduplicated: true };
}

async function addIdempotently(job: NewJob, idempotencyKey: string, deps: { db: Db; queues: QueueManager; redis: Redis }): Promise<EnqueueResult> {
  const key = idempotencyRedisKey(deps.queues.prefix, job.owner.id, idempotencyKey);
  const fingerprint = requestFingerprint({ queue: job.queue, name: job.name, data: job.payload, priority: job.priority, delay: job.delay });
  const jobId = randomUUID();
  const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
  for (;;) {
    const claim = await claimIdempotencyKey(deps.redis, key, { jobId, fingerprint });
    if (claim.claimed) {
      let added: Enqueued;
      try {
        added = await addJob(job, jobId, deps);
      } catch (error) {
        await releaseIdempotencyKey(deps.redis, key, jobId).catch(() => {});
        throw error;
      }
      await settleIdempotencyKey(deps.redis, key, { jobId: added.jobId, fingerprint });
      return added;
    }
    const { existing } = claim;
    if (existing && existing.fingerprint !== fingerprint) {
      return { ok: false, code: "idempotency-key-reused", message: "This idempotency key was used for another request; send a new key for a different launch" };
    }
    if (existing && !existing.pending) {
      const state = await currentState(job.queue, existing.jobId, deps);
      return { ok: true, jobId: existing.jobId, queue: job.queue, name: job.name, state, deduplicated: true };
    }
    // The first request with this key is still adding its job (or just gave the key up): ask again.
    if (Date.now() > deadline) {
      return { ok: false, code: "idempotency-key-in-progress", message: "A request with this idempotency key is still being processed; try again shortly" };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function currentState(queue: QueueKey, jobId: string, { db, queues }: { db: Db; queues: QueueManager }): Promise<RunState> {
  const run = await findRun(jobId, { db });
  if (run) return (run.state === "PRIORITIZED" ? "waiting" : run.state.toLowerCase()) as RunState;
  const job = await queues.getJob(queue, jobId);
  return (job ? userState(await job.getState()) : "waiting") as RunState;
}
