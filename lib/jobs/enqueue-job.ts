import { randomUUID } from "node:crypto";
import type { RedisClient as Redis } from "../redis";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
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
  type Claim,
} from "./idempotency";
import { withOwner } from "./job-data";
import { References, resolveJobScope, type Caller, type PayloadIssue, type ScopeFailure } from "./job-scope";
import { createRunsGrouped, deleteRuns } from "./ledger";
import { queueManager as defaultQueueManager, userState, type QueueManager } from "./queue-manager";

export type { PayloadIssue } from "./job-scope";

/** One job of a launch: what the client sends per job. */
export interface JobRequest {
  name: string;
  data: unknown;
  priority?: number;
  delay?: number;
}

export interface EnqueueRequest extends JobRequest {
  queue: QueueKey;
  /**
   * Makes the launch idempotent: the same key from the same user within 24 h returns the job the
   * first request added instead of adding another.
   */
  idempotencyKey?: string;
  owner: Caller;
}

export interface BulkEnqueueRequest {
  queue: QueueKey;
  jobs: readonly JobRequest[];
  /** As for one job: the same key within 24 h returns the jobs the first request added. */
  idempotencyKey?: string;
  owner: Caller;
  /**
   * "route": the calling route has decided itself that the owner may start these jobs, beyond the
   * queue's `enqueueRoles` (a user's test notification to themselves; the payload rules still apply).
   * @defaultValue "catalogue"
   */
  roleCheck?: "catalogue" | "route";
}

/** The most jobs one bulk launch may hold. */
export const MAX_BULK_JOBS = 10_000;

/** A run's state as the API names it. */
export type RunState = "waiting" | "delayed" | "active" | "completed" | "failed" | "cancelled";

export type EnqueueFailure =
  | { ok: false; code: "forbidden"; message: string; index?: number }
  | { ok: false; code: "invalid-payload"; issues: PayloadIssue[] }
  /** A bulk launch's invalid jobs, each with its index in the request. */
  | { ok: false; code: "invalid-jobs"; jobs: { index: number; issues: PayloadIssue[] }[] }
  | { ok: false; code: "idempotency-key-reused"; message: string }
  | { ok: false; code: "idempotency-key-in-progress"; message: string }
  /**
   * Redis did not answer whether it took the jobs. Their ledger rows stay (the ledger's
   * reconciliation decides once Redis answers); a retry with the same idempotency key returns them.
   */
  | { ok: false; code: "unconfirmed"; jobIds: string[] }
  /** Some of a bulk launch's jobs were added, then Redis or the ledger failed; the ledger keeps the rows of those. */
  | { ok: false; code: "partly-added"; jobIds: string[]; total: number };

export interface EnqueuedJob {
  jobId: string;
  name: string;
  state: RunState;
  /** True when no job was added: an existing one answers this request (idempotency key or the queue's deduplication). */
  deduplicated: boolean;
}

export type Enqueued = EnqueuedJob & { ok: true; queue: QueueKey };
export type EnqueueResult = Enqueued | EnqueueFailure;

export interface BulkEnqueued {
  ok: true;
  queue: QueueKey;
  jobs: EnqueuedJob[];
  /** True when the whole launch was answered by an earlier one with the same idempotency key. */
  deduplicated: boolean;
}
export type BulkEnqueueResult = BulkEnqueued | EnqueueFailure;

interface Deps {
  db?: Db;
  queues?: QueueManager;
  /** Holds the idempotency keys. @defaultValue the shared producer connection */
  redis?: Redis;
  /**
   * How long to keep asking Redis whether it holds jobs whose add failed without an answer.
   * @defaultValue 5000
   */
  confirmWithinMs?: number;
  /**
   * A launch of more jobs than this goes to PostgreSQL and Redis in chunks of this many: the next
   * chunk's ledger rows are written while Redis adds this chunk's jobs, so the two work at once.
   * @defaultValue 1000
   */
  chunkSize?: number;
}

type Resolved = Required<Pick<Deps, "db" | "queues" | "confirmWithinMs" | "chunkSize">>;

/** How long a request waits for a simultaneous request with the same idempotency key to add its job. */
const IDEMPOTENCY_WAIT_MS = 5_000;

/**
 * Validates a launch against the catalogue and the caller, then adds the job: the ledger row first,
 * then the BullMQ job under the same id. The row is removed again only when Redis is known not to
 * hold the job (it refused it, or BullMQ answered with an existing job: the queue's
 * deduplication), so the ledger never loses a job that a queue holds.
 */
export async function enqueueJob(request: EnqueueRequest, deps: Deps = {}): Promise<EnqueueResult> {
  const resolved = resolveDeps(deps);
  const definition = queueDefinition(request.queue);
  const refused = roleRefusal(definition, request.owner);
  if (refused) return refused;
  const prepared = await prepareJob(definition, request, request.owner, new References(resolved.db));
  if (!prepared.ok) return prepared;
  const fingerprint = { queue: request.queue, name: request.name, data: prepared.job.payload, priority: request.priority, delay: request.delay };
  const result = await launch([prepared.job], fingerprint, request, { ...resolved, redis: deps.redis });
  if (!result.ok) return result;
  return { ok: true, queue: request.queue, ...result.jobs[0]!, deduplicated: result.deduplicated || result.jobs[0]!.deduplicated };
}

/**
 * Many jobs of one queue at once, all or none: every job is validated as `enqueueJob` would (the
 * references of all of them looked up together), and the first invalid one refuses the whole
 * launch; otherwise one INSERT writes every ledger row and one pipeline adds every job.
 */
export async function enqueueJobs(request: BulkEnqueueRequest, deps: Deps = {}): Promise<BulkEnqueueResult> {
  const resolved = resolveDeps(deps);
  const definition = queueDefinition(request.queue);
  const refused = request.roleCheck === "route" ? undefined : roleRefusal(definition, request.owner);
  if (refused) return refused;
  const references = new References(resolved.db);
  const parsed = request.jobs.map((job) => definition.payload.safeParse(job.data));
  await references.preload(
    definition,
    parsed.flatMap((result, index) => (result.success ? [{ raw: request.jobs[index]!.data, payload: result.data }] : [])),
  );
  const jobs: NewJob[] = [];
  const invalid: { index: number; issues: PayloadIssue[] }[] = [];
  for (const [index, job] of request.jobs.entries()) {
    const prepared = await prepareJob(definition, job, request.owner, references, parsed[index]);
    if (prepared.ok) jobs.push(prepared.job);
    else if (prepared.code === "forbidden") return { ...prepared, index };
    else invalid.push({ index, issues: prepared.issues });
  }
  if (invalid.length > 0) return { ok: false, code: "invalid-jobs", jobs: invalid };
  const fingerprint = {
    bulk: true,
    queue: request.queue,
    jobs: request.jobs.map((job, index) => ({ name: job.name, data: jobs[index]!.payload, priority: job.priority, delay: job.delay })),
  };
  const result = await launch(jobs, fingerprint, request, { ...resolved, redis: deps.redis });
  return result.ok ? { ...result, queue: request.queue } : result;
}

function resolveDeps(deps: Deps): Resolved {
  return { db: deps.db ?? defaultDb(), queues: deps.queues ?? defaultQueueManager(), confirmWithinMs: deps.confirmWithinMs ?? 5_000, chunkSize: deps.chunkSize ?? 1_000 };
}

function roleRefusal(definition: QueueDefinition, owner: Caller): EnqueueFailure | undefined {
  if (definition.enqueueRoles.includes(owner.role)) return undefined;
  return { ok: false, code: "forbidden", message: `Your role may not enqueue ${definition.label.toLowerCase()} jobs` };
}

interface NewJob extends Omit<JobRequest, "data"> {
  jobId: string;
  queue: QueueKey;
  owner: Caller;
  definition: QueueDefinition;
  payload: unknown;
  organizationId: string;
  businessKey: string | undefined;
}

async function prepareJob(
  definition: QueueDefinition,
  job: JobRequest,
  owner: Caller,
  references: References,
  parsed = definition.payload.safeParse(job.data),
): Promise<{ ok: true; job: NewJob } | ScopeFailure> {
  if (!parsed.success) return { ok: false, code: "invalid-payload", issues: parsed.error.issues };
  const scope = await resolveJobScope(definition, job.data, parsed.data, owner, { db: references.db, references });
  if (!scope.ok) return scope;
  const payload = await withUploadedFile(definition, scope.payload, scope.organizationId);
  if (!payload.ok) return payload;
  // The business key is what the caller named (an upload's path as the upload endpoint returned
  // it), not the server path it resolved to, so a search by what the user knows finds the run.
  const businessKey = definition.subject?.id(scope.payload);
  return {
    ok: true,
    job: {
      jobId: randomUUID(),
      queue: definition.key,
      name: job.name,
      priority: job.priority,
      delay: job.delay,
      owner,
      definition,
      payload: payload.value,
      organizationId: scope.organizationId,
      businessKey,
    },
  };
}

/**
 * The upload's real path in place of the path the client sent; a path outside the run's
 * organisation's upload directory is refused, so one organisation cannot import another's file.
 */
async function withUploadedFile(definition: QueueDefinition, payload: unknown, organizationId: string): Promise<{ ok: true; value: unknown } | ScopeFailure> {
  const field = definition.uploadPathField;
  const filePath = field ? (payload as Record<string, unknown>)[field] : undefined;
  if (!field || typeof filePath !== "string") return { ok: true, value: payload };
  const resolved = await resolveUploadedFile(filePath, { organizationId });
  if (!resolved) return { ok: false, code: "invalid-payload", issues: [{ path: [field], message: UPLOAD_FIRST }] };
  return { ok: true, value: { ...(payload as object), [field]: resolved } };
}

type Launched = { ok: true; jobs: EnqueuedJob[]; deduplicated: boolean } | EnqueueFailure;

/** Adds the jobs, through the caller's idempotency key when there is one. */
async function launch(
  jobs: NewJob[],
  fingerprintOf: unknown,
  request: { queue: QueueKey; idempotencyKey?: string; owner: Caller },
  deps: Resolved & { redis?: Redis },
): Promise<Launched> {
  if (request.idempotencyKey === undefined) return addJobs(jobs, deps);
  const redis = deps.redis ?? sharedRedis("producer");
  const key = idempotencyRedisKey(deps.queues.prefix, request.owner.id, request.idempotencyKey);
  const fingerprint = requestFingerprint(fingerprintOf);
  // The claim's id: the job's for one job, a batch id for many (the jobs' ids come with the settlement).
  const claimId = jobs.length === 1 ? jobs[0]!.jobId : randomUUID();
  const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
  for (;;) {
    const claim = await claimIdempotencyKey(redis, key, { jobId: claimId, fingerprint });
    if (claim.claimed) {
      let added: Launched;
      try {
        added = await addJobs(jobs, deps);
      } catch (error) {
        // Redis is known not to hold any of the jobs: the client's retry may add them.
        await releaseIdempotencyKey(redis, key, claimId).catch(() => {});
        throw error;
      }
      // Jobs Redis may hold (added, partly added, or not confirmed) are what a retry with this key
      // gets, so a client retrying after an unclear failure never adds them twice.
      const jobIds = added.ok ? added.jobs.map((job) => job.jobId) : "jobIds" in added ? added.jobIds : [];
      await settleIdempotencyKey(redis, key, { jobId: claimId, fingerprint, jobIds });
      return added;
    }
    const { existing } = claim;
    if (existing && existing.fingerprint !== fingerprint) {
      return { ok: false, code: "idempotency-key-reused", message: "This idempotency key was used for another request; send a new key for a different launch" };
    }
    if (existing && !existing.pending) return { ok: true, jobs: await earlierJobs(request.queue, existing, jobs, deps), deduplicated: true };
    // The first request with this key is still adding its jobs (or just gave the key up): ask again.
    if (Date.now() > deadline) {
      return { ok: false, code: "idempotency-key-in-progress", message: "A request with this idempotency key is still being processed; try again shortly" };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The jobs an earlier launch with the same key ended with, in their current states. */
async function earlierJobs(queue: QueueKey, claim: Claim, jobs: readonly NewJob[], deps: Resolved): Promise<EnqueuedJob[]> {
  const ids = claim.jobIds ?? [claim.jobId];
  const states = await currentStates(queue, ids, deps);
  return ids.map((jobId, index) => ({ jobId, name: jobs[index]?.name ?? jobs[0]!.name, state: states.get(jobId) ?? "waiting", deduplicated: true }));
}

/**
 * The ledger rows first, then the jobs, chunk by chunk (one chunk for most launches): a chunk's
 * rows are written (one INSERT, shared with launches made at the same moment) before its jobs are
 * added (one pipeline), and the next chunk's rows are written meanwhile. A failed add removes only
 * the rows of jobs Redis is known not to hold (see `afterFailedAdd`); a failure after some chunks
 * were added answers "partly-added" with those, and rows written ahead for a chunk that is then not
 * added are removed again.
 */
async function addJobs(jobs: NewJob[], deps: Resolved): Promise<Launched> {
  const { db } = deps;
  const chunks: NewJob[][] = [];
  for (let start = 0; start < jobs.length; start += deps.chunkSize) chunks.push(jobs.slice(start, start + deps.chunkSize));
  /** The id each job of the chunks added so far ended with: its own, or the job BullMQ's deduplication kept. */
  const addedIds: string[] = [];
  const partlyAdded = (): Launched => ({ ok: false, code: "partly-added", jobIds: addedIds, total: jobs.length });
  let rows = writeRows(chunks[0]!, db);
  for (const [index, chunk] of chunks.entries()) {
    try {
      await rows;
    } catch (error) {
      // Nothing of this chunk is written; the chunks before it are in, rows and jobs.
      if (index === 0) throw error;
      logger().error({ err: error, queue: chunk[0]!.queue, added: addedIds.length, total: jobs.length }, "a bulk launch's ledger rows could not be written after some of its jobs were added");
      return partlyAdded();
    }
    const next = chunks[index + 1];
    rows = next ? writeRows(next, db) : Promise.resolve();
    // Awaited at the next chunk, or settled below when this chunk fails.
    rows.catch(() => {});
    let ids: string[];
    try {
      ids = await addChunk(chunk, deps);
    } catch (error) {
      // No job of the next chunk will be added now: the rows written ahead for them go (a row
      // left by a failed removal is one the reconciliation marks as lost).
      const dropNextRows = async () => {
        if (!next) return;
        await rows.then(
          () => deleteRuns(next.map((job) => job.jobId), { db }).catch((failure: unknown) => logger().error({ err: failure }, "could not remove the ledger rows of a bulk launch's chunk that was not added")),
          () => {},
        );
      };
      let outcome: Launched;
      try {
        outcome = await afterFailedAdd(chunk, error, deps);
      } catch (failure) {
        // Redis held none of this chunk: with nothing added before, the error is the launch's.
        await dropNextRows();
        if (index === 0) throw failure;
        return partlyAdded();
      }
      if (!outcome.ok) {
        await dropNextRows();
        const held = "jobIds" in outcome ? outcome.jobIds : [];
        if (outcome.code === "unconfirmed") return { ok: false, code: "unconfirmed", jobIds: [...addedIds, ...held] };
        addedIds.push(...held);
        return partlyAdded();
      }
      // Every job of the chunk arrived; only the answer was late. The launch goes on.
      ids = chunk.map((job) => job.jobId);
    }
    addedIds.push(...ids);
  }
  const answeredBy = jobs.flatMap((job, index) => (addedIds[index] !== job.jobId ? [addedIds[index]!] : []));
  const existingStates = answeredBy.length > 0 ? await currentStates(jobs[0]!.queue, answeredBy, deps) : new Map<string, RunState>();
  return {
    ok: true,
    deduplicated: false,
    jobs: jobs.map((job, index) => {
      const jobId = addedIds[index]!;
      if (jobId !== job.jobId) return { jobId, name: job.name, state: existingStates.get(jobId) ?? "waiting", deduplicated: true };
      return { jobId, name: job.name, state: (job.delay ?? 0) > 0 ? "delayed" : "waiting", deduplicated: false };
    }),
  };
}

function writeRows(jobs: readonly NewJob[], db: Db): Promise<void> {
  return createRunsGrouped(
    jobs.map((job) => ({
      id: job.jobId,
      queue: job.queue,
      name: job.name,
      ownerId: job.owner.id,
      organizationId: job.organizationId,
      businessKey: job.businessKey,
      data: job.payload,
      priority: job.priority,
      delayed: (job.delay ?? 0) > 0,
    })),
    { db },
  );
}

/**
 * Adds one chunk's jobs (their rows are written) and answers the id each ended with. Rows of jobs
 * BullMQ did not add (an identical job waits or runs: the queue's deduplication) are removed; the
 * launch has its answer either way, so rows that cannot be removed now are logged, not turned into
 * a failed request. Throws when the add fails.
 */
async function addChunk(jobs: readonly NewJob[], { db, queues }: Resolved): Promise<string[]> {
  const queue = jobs[0]!.queue;
  const toAdd = jobs.map((job) => {
    // Deduplication spans the whole queue, so the key is the organisation's: two organisations'
    // identical-looking jobs (the same integration id, say) are never each other's.
    const deduplicationKey = job.definition.deduplicationKey?.(job.payload);
    return {
      name: job.name,
      data: withOwner(job.payload, { ownerId: job.owner.id, organizationId: job.organizationId }),
      options: {
        jobId: job.jobId,
        priority: job.priority,
        delay: job.delay,
        deduplicationId: deduplicationKey === undefined ? undefined : `${job.organizationId}:${deduplicationKey}`,
      },
    };
  });
  // One job goes through Queue.add: an ioredis pipeline costs more to build than the add itself.
  const added = toAdd.length === 1 ? [await queues.addJob(queue, toAdd[0]!.name, toAdd[0]!.data, toAdd[0]!.options)] : await queues.addJobs(queue, toAdd);
  const ids = jobs.map((job, index) => added[index]!.id ?? job.jobId);
  const deduplicated = jobs.filter((job, index) => ids[index] !== job.jobId).map((job) => job.jobId);
  if (deduplicated.length > 0) {
    await deleteRuns(deduplicated, { db }).catch((error: unknown) =>
      logger().error({ err: error, jobIds: deduplicated }, "could not remove the ledger rows of deduplicated launches"),
    );
  }
  return ids;
}

/**
 * An add that failed may still have reached Redis: a reply that timed out (Redis ran the script, the
 * answer came too late) or a connection that dropped after the command went out. So the rows are
 * not simply removed: Redis is asked which jobs it holds. Those it holds keep their rows and count
 * as added; the rows of those it does not are removed. If Redis cannot say, every row stays as
 * written (waiting) and the answer is "unconfirmed"; the ledger's reconciliation compares the rows
 * with Redis later and settles them either way. A row whose job may exist is never removed.
 */
async function afterFailedAdd(jobs: NewJob[], error: unknown, deps: Resolved): Promise<Launched> {
  const ids = jobs.map((job) => job.jobId);
  const held = await heldJobIds(jobs[0]!.queue, ids, deps);
  if (!held) {
    logger().warn({ err: error, queue: jobs[0]!.queue, jobIds: ids.slice(0, 20), count: ids.length }, "Redis did not confirm an add; the ledger rows stay for reconciliation");
    return { ok: false, code: "unconfirmed", jobIds: ids };
  }
  const missing = ids.filter((id) => !held.has(id));
  await deleteRuns(missing, { db: deps.db });
  if (held.size === 0) throw error;
  if (missing.length > 0) return { ok: false, code: "partly-added", jobIds: ids.filter((id) => held.has(id)), total: ids.length };
  // Everything arrived; only the answer was late.
  return { ok: true, deduplicated: false, jobs: jobs.map((job) => ({ jobId: job.jobId, name: job.name, state: (job.delay ?? 0) > 0 ? "delayed" : "waiting", deduplicated: false })) };
}

/** Which of `ids` the queue holds, asked until Redis answers or `confirmWithinMs` has passed; null when it never did. */
async function heldJobIds(queue: QueueKey, ids: string[], { queues, confirmWithinMs }: Resolved): Promise<Set<string> | null> {
  const deadline = Date.now() + confirmWithinMs;
  for (;;) {
    try {
      return await queues.existingJobIds(queue, ids);
    } catch {
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The current state of each job: from the ledger, or from Redis for a job the ledger does not know. */
async function currentStates(queue: QueueKey, ids: readonly string[], { db, queues }: Resolved): Promise<Map<string, RunState>> {
  const { rows } = await sqlPool(db).query<{ id: string; state: string }>(`SELECT "id", "state" FROM "JobRun" WHERE "id" = ANY($1::text[])`, [ids]);
  const states = new Map<string, RunState>(rows.map((row) => [row.id, (row.state === "PRIORITIZED" ? "waiting" : row.state.toLowerCase()) as RunState]));
  for (const id of ids.filter((candidate) => !states.has(candidate)).slice(0, 100)) {
    const job = await queues.getJob(queue, id);
    states.set(id, (job ? userState(await job.getState()) : "waiting") as RunState);
  }
  return states;
}
