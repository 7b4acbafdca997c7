import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { logger } from "../logger";
import { batchJobName, isBatchJob, scopeLabel, type BatchJobData, type BatchScope } from "./batch-contract";
import { queueDefinition, type QueueDefinition, type QueueKey, type ResultSummary } from "./catalog";
import { withOwner } from "./job-data";
import { References, resolveJobScope, type Caller, type PayloadIssue } from "./job-scope";
import { canAccess } from "./job-status";
import { createRuns, deleteRuns, findRun, type NewRun } from "./ledger";
import { queueManager as defaultQueueManager, type QueueManager } from "./queue-manager";
import { retryJob } from "./retry-job";

/**
 * Batches: one run of a queue for many products at once ("forecast every product"), as a BullMQ
 * flow. One parent job, in the children's queue under the name `batch`, and one child per product;
 * the parent runs once every child has finished, completed or failed, and rolls their results up
 * as the queue's catalogue entry declares (`batch.rollup`). Parent and children are ordinary
 * ledger rows, the children pointing at the parent (`batchId`), written in one INSERT; the jobs go
 * to Redis in one MULTI. A queue takes part by declaring `batch` in the catalogue, nothing else.
 */

export interface BatchRequest {
  queue: QueueKey;
  scope: BatchScope;
  /** The job data every child shares: the queue's payload without the product field (e.g. `{ horizon: 30 }`). */
  data?: Record<string, unknown>;
  /** 1 (highest) to 10 (lowest), for every job of the batch. */
  priority?: number;
  owner: Caller;
  /** An admin's batch for another organisation; a planner's batch is always their own organisation's. @defaultValue the owner's */
  organizationId?: string;
  /**
   * The batch's id, chosen by a caller that may ask twice for the same batch (a schedule's tick run
   * again after a crash): when a batch of that id exists, it is the answer and nothing is added.
   * @defaultValue a new UUID
   */
  batchId?: string;
}

export type BatchFailure =
  | { ok: false; code: "not-batchable"; message: string }
  | { ok: false; code: "forbidden"; message: string }
  | { ok: false; code: "invalid-payload"; issues: PayloadIssue[] }
  /** Redis did not answer whether it took the flow; the rows stay for the ledger's reconciliation. */
  | { ok: false; code: "unconfirmed"; jobIds: string[] };

export type BatchEnqueued = { ok: true; queue: QueueKey; batchId: string; children: number };

interface Deps {
  db?: Db;
  queues?: QueueManager;
}

interface ScopedProduct {
  id: string;
  sku: string;
}

/**
 * Adds a batch: resolves the scope to the organisation's products, checks the shared data against
 * the queue's payload (as one job's would be), writes the parent's and the children's ledger rows
 * in one INSERT and adds the flow. Another organisation's product in `productIds` is refused like
 * one that does not exist.
 */
export async function enqueueBatch(request: BatchRequest, deps: Deps = {}): Promise<BatchEnqueued | BatchFailure> {
  const db = deps.db ?? defaultDb();
  const queues = deps.queues ?? defaultQueueManager();
  const definition = queueDefinition(request.queue);
  const batch = definition.batch;
  if (!batch) return { ok: false, code: "not-batchable", message: `${definition.label} jobs do not run in batches` };
  if (!definition.enqueueRoles.includes(request.owner.role)) {
    return { ok: false, code: "forbidden", message: `Your role may not enqueue ${definition.label.toLowerCase()} jobs` };
  }
  const isAdmin = request.owner.role === "ADMIN";
  if (request.organizationId !== undefined && request.organizationId !== request.owner.organizationId && !isAdmin) {
    return { ok: false, code: "forbidden", message: "organizationId must be your own organisation: batches work for the caller's organisation" };
  }
  if (request.data && batch.field in request.data) {
    return { ok: false, code: "invalid-payload", issues: [{ path: ["data", batch.field], message: `a batch sets ${batch.field} per child from its scope; leave it out` }] };
  }
  // An admin's batch of named products works for the products' organisation, as one job's run does.
  const organizationId =
    request.organizationId ?? (isAdmin && "productIds" in request.scope ? await productsOrganization(request.scope.productIds, db) : undefined) ?? request.owner.organizationId;
  const products = await scopeProducts(request.scope, organizationId, db);
  if (!products.ok) return products;

  // The shared data is checked once, as the first child's job would be: the other children
  // differ only in the product, which the scope has already checked against the organisation.
  const first = { ...request.data, [batch.field]: products.rows[0]!.id };
  const parsed = definition.payload.safeParse(first);
  if (!parsed.success) return { ok: false, code: "invalid-payload", issues: parsed.error.issues.map((issue) => ({ ...issue, path: ["data", ...issue.path] })) };
  const scope = await resolveJobScope(definition, { ...first, organizationId }, parsed.data, request.owner, { db, references: new References(db) });
  if (!scope.ok) return scope.code === "forbidden" ? scope : { ...scope, issues: scope.issues.map((issue) => ({ ...issue, path: ["data", ...issue.path] })) };

  const batchId = request.batchId ?? randomUUID();
  if (request.batchId) {
    const existing = await db.jobRun.count({ where: { batchId } });
    if (existing > 0 || (await db.jobRun.findUnique({ where: { id: batchId }, select: { id: true } }))) return { ok: true, queue: definition.key, batchId, children: existing };
  }
  const owner = { ownerId: request.owner.id, organizationId: scope.organizationId };
  const parentData: BatchJobData = { scope: request.scope, children: products.rows.length };
  const children = products.rows.map((product) => ({
    jobId: randomUUID(),
    name: `${definition.key}:${product.sku}`,
    productId: product.id,
    payload: { ...(scope.payload as object), [batch.field]: product.id },
  }));
  const row = (id: string, name: string, data: unknown, businessKey: string, parent?: string): NewRun => ({
    id,
    queue: definition.key,
    name,
    ownerId: request.owner.id,
    organizationId: scope.organizationId,
    businessKey,
    data,
    priority: request.priority,
    delayed: false,
    batchId: parent,
  });
  await createRuns(
    [row(batchId, batchJobName(request.scope), parentData, scopeLabel(request.scope)), ...children.map((child) => row(child.jobId, child.name, child.payload, child.productId, batchId))],
    { db },
  );
  const ids = [batchId, ...children.map((child) => child.jobId)];
  try {
    await queues.addFlow(
      definition.key,
      { name: batchJobName(request.scope), data: withOwner(parentData, owner), options: { jobId: batchId, priority: request.priority } },
      children.map((child) => ({ name: child.name, data: withOwner(child.payload, owner), options: { jobId: child.jobId, priority: request.priority } })),
    );
  } catch (error) {
    // The flow is one MULTI: Redis holds all of it or none, and the parent tells which.
    const held = await queues.existingJobIds(definition.key, [batchId]).catch(() => null);
    if (!held) {
      logger().warn({ err: error, queue: definition.key, batchId, children: children.length }, "Redis did not confirm a batch; the ledger rows stay for reconciliation");
      return { ok: false, code: "unconfirmed", jobIds: ids };
    }
    if (!held.has(batchId)) {
      await deleteRuns(ids, { db });
      throw error;
    }
  }
  return { ok: true, queue: definition.key, batchId, children: children.length };
}

/** The one organisation the products belong to; undefined when they are of none or of several (the scope check then names them). */
async function productsOrganization(productIds: readonly string[], db: Db): Promise<string | undefined> {
  const { rows } = await sqlPool(db).query<{ organizationId: string }>(`SELECT DISTINCT "organizationId" FROM "Product" WHERE "id" = ANY($1::text[]) LIMIT 2`, [productIds]);
  return rows.length === 1 ? rows[0]!.organizationId : undefined;
}

/** The organisation's products of a scope, by SKU; a named product that is not the organisation's is an issue at its index. */
async function scopeProducts(
  scope: BatchScope,
  organizationId: string,
  db: Db,
): Promise<{ ok: true; rows: ScopedProduct[] } | { ok: false; code: "invalid-payload"; issues: PayloadIssue[] }> {
  const pool = sqlPool(db);
  const select = `SELECT "id", "sku" FROM "Product" WHERE "organizationId" = $1`;
  if ("productIds" in scope) {
    const { rows } = await pool.query<ScopedProduct>(`${select} AND "id" = ANY($2::text[])`, [organizationId, scope.productIds]);
    const found = new Map(rows.map((product) => [product.id, product]));
    const issues = scope.productIds.flatMap((id, index) => (found.has(id) ? [] : [{ path: ["scope", "productIds", index], message: `no product with id "${id.slice(0, 80)}"` }]));
    if (issues.length > 0) return { ok: false, code: "invalid-payload", issues: issues.slice(0, 20) };
    // A product named twice is run once.
    return { ok: true, rows: [...new Set(scope.productIds)].map((id) => found.get(id)!) };
  }
  const { rows } =
    "category" in scope
      ? await pool.query<ScopedProduct>(`${select} AND "category" = $2 ORDER BY "sku"`, [organizationId, scope.category])
      : await pool.query<ScopedProduct>(`${select} ORDER BY "sku"`, [organizationId]);
  if (rows.length === 0) {
    const message = "category" in scope ? `no products in category "${scope.category.slice(0, 80)}"` : "the organisation has no products";
    return { ok: false, code: "invalid-payload", issues: [{ path: ["scope", "category" in scope ? "category" : "all"], message }] };
  }
  return { ok: true, rows };
}

// ── reading a batch ─────────────────────────────────────────────────────────────────────────────

/** A batch's children by state, as the API names states. */
export interface BatchCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
}

export interface BatchChild {
  jobId: string;
  name: string;
  productId: string | null;
  sku: string | null;
  state: string;
  progress: number;
  failedReason: string | null;
  finishedAt: string | null;
}

export interface BatchView {
  batchId: string;
  queue: QueueKey;
  scope: BatchScope;
  /** The parent's own state: `completed` once every child has finished and the roll-up ran. */
  state: string;
  total: number;
  counts: BatchCounts;
  /** Every child has finished (completed or failed), retried ones included. */
  done: boolean;
  /** The queue's figures over the children completed so far (current: it counts retried children). */
  rollup: ResultSummary;
  /** What each roll-up figure is called, in the order to show them (the catalogue's). */
  figures: Record<string, string>;
  failedChildren: BatchChild[];
  children: { items: BatchChild[]; page: number; pageSize: number; total: number };
  createdAt: string;
  finishedAt: string | null;
}

export interface BatchQuery {
  page?: number;
  pageSize?: number;
  /** Only the children in this state. */
  state?: keyof BatchCounts;
}

/** Failed children listed in full beside the page; more are reached through `state: "failed"`. */
const FAILED_LISTED = 100;

const STATES_OF: Record<keyof BatchCounts, string[]> = {
  waiting: ["WAITING", "DELAYED", "PRIORITIZED"],
  active: ["ACTIVE"],
  completed: ["COMPLETED"],
  failed: ["FAILED", "CANCELLED", "LOST"],
};

/** A batch the caller may see (its owner, or an admin), or null; counts and roll-up from the ledger. */
export async function getBatch(batchId: string, principal: Principal, query: BatchQuery = {}, { db = defaultDb() }: { db?: Db } = {}): Promise<BatchView | null> {
  const parent = await findBatch(batchId, principal, db);
  if (!parent) return null;
  const definition = queueDefinition(parent.queue as QueueKey);
  const pool = sqlPool(db);
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 50;
  const filter = query.state ? STATES_OF[query.state] : null;
  const childColumns = `r."id", r."name", r."businessKey", r."state", r."progress", r."failedReason", r."finishedAt", p."sku"`;
  const fromChildren = `FROM "JobRun" r LEFT JOIN "Product" p ON p."id" = r."businessKey" WHERE r."batchId" = $1`;
  const [counted, completed, failed, items] = await Promise.all([
    pool.query<{ state: string; count: string }>(`SELECT "state", count(*) AS count FROM "JobRun" WHERE "batchId" = $1 GROUP BY "state"`, [batchId]),
    pool.query<{ result: unknown }>(`SELECT "result" FROM "JobRun" WHERE "batchId" = $1 AND "state" = 'COMPLETED'`, [batchId]),
    pool.query<ChildRow>(`SELECT ${childColumns} ${fromChildren} AND r."state" = ANY($2::"JobState"[]) ORDER BY r."id" LIMIT ${FAILED_LISTED}`, [batchId, STATES_OF.failed]),
    pool.query<ChildRow>(`SELECT ${childColumns} ${fromChildren} ${filter ? `AND r."state" = ANY($4::"JobState"[])` : ""} ORDER BY r."id" LIMIT $2 OFFSET $3`, [
      batchId,
      pageSize,
      (page - 1) * pageSize,
      ...(filter ? [filter] : []),
    ]),
  ]);
  const counts: BatchCounts = { waiting: 0, active: 0, completed: 0, failed: 0 };
  for (const row of counted.rows) {
    const bucket = (Object.keys(STATES_OF) as (keyof BatchCounts)[]).find((key) => STATES_OF[key].includes(row.state));
    if (bucket) counts[bucket] += Number(row.count);
  }
  const total = counts.waiting + counts.active + counts.completed + counts.failed;
  const data = parent.data as unknown as BatchJobData;
  return {
    batchId,
    queue: definition.key,
    scope: data.scope,
    state: parent.state.toLowerCase(),
    total,
    counts,
    done: counts.waiting + counts.active === 0,
    rollup: rollup(definition, completed.rows.map((row) => row.result)),
    figures: definition.batch!.figures,
    failedChildren: failed.rows.map(child),
    children: { items: items.rows.map(child), page, pageSize, total: filter ? counts[query.state!] : total },
    createdAt: parent.createdAt.toISOString(),
    finishedAt: parent.finishedAt?.toISOString() ?? null,
  };
}

interface ChildRow {
  id: string;
  name: string;
  businessKey: string | null;
  state: string;
  progress: number;
  failedReason: string | null;
  finishedAt: Date | null;
  sku: string | null;
}

function child(row: ChildRow): BatchChild {
  return {
    jobId: row.id,
    name: row.name,
    productId: row.businessKey,
    sku: row.sku,
    state: row.state.toLowerCase(),
    progress: row.progress,
    failedReason: row.failedReason,
    finishedAt: row.finishedAt ? new Date(row.finishedAt).toISOString() : null,
  };
}

/** The queue's roll-up of results that match its documented shape (a row written by an older release is left out). */
export function rollup(definition: QueueDefinition, results: readonly unknown[]): ResultSummary {
  const valid = results.flatMap((result) => {
    const parsed = definition.result.safeParse(result);
    return parsed.success ? [parsed.data] : [];
  });
  return definition.batch!.rollup(valid);
}

async function findBatch(batchId: string, principal: Principal, db: Db) {
  const parent = await findRun(batchId, { db });
  if (!parent || !isBatchJob(parent.name) || !queueDefinition(parent.queue as QueueKey).batch) return null;
  return canAccess(principal, parent, false) ? parent : null;
}

export type RetryBatchResult = { ok: true; retried: number; notRetried: { jobId: string; code: string }[] } | { ok: false; code: "batch-not-found" };

/** How many retries of a batch's children go to Redis at once. */
const RETRY_CONCURRENCY = 20;

/**
 * Retries a batch's failed children, each as the single-job retry does (ledger row reopened,
 * timeline and audit written). The parent has rolled up already; the batch's counts and roll-up
 * are read from the ledger, so they follow the retried children as they finish.
 */
export async function retryBatchFailures(
  batchId: string,
  principal: Principal,
  { db = defaultDb(), queues = defaultQueueManager() }: { db?: Db; queues?: QueueManager } = {},
): Promise<RetryBatchResult> {
  const parent = await findBatch(batchId, principal, db);
  if (!parent) return { ok: false, code: "batch-not-found" };
  const { rows } = await sqlPool(db).query<{ id: string }>(`SELECT "id" FROM "JobRun" WHERE "batchId" = $1 AND "state" = 'FAILED' ORDER BY "id"`, [batchId]);
  const notRetried: { jobId: string; code: string }[] = [];
  let retried = 0;
  for (let start = 0; start < rows.length; start += RETRY_CONCURRENCY) {
    const outcomes = await Promise.all(rows.slice(start, start + RETRY_CONCURRENCY).map((row) => retryJob(parent.queue as QueueKey, row.id, principal, { db, queues })));
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) retried++;
      else notRetried.push({ jobId: rows[start + index]!.id, code: outcome.code });
    });
  }
  return { ok: true, retried, notRetried };
}
