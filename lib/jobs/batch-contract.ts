import { z } from "zod";
import { MAX_ID_LENGTH, queueDefinition, type QueueKey, type ResultSummary } from "./catalog";

/**
 * What web and worker share about batches (lib/jobs/batches.ts): the parent job's name, its data
 * and its result. The parent lives in its children's queue under a name of this prefix, so a batch
 * needs no queue of its own and the worker serving the queue rolls it up (worker/batch-rollup.ts).
 */
const BATCH_JOB_PREFIX = "batch";

/** The most products one batch may hold: a bulk launch's limit. */
export const MAX_BATCH_CHILDREN = 10_000;

const productId = z.string().trim().min(1, "must not be empty").max(MAX_ID_LENGTH);

/** Which products a batch runs for: a list, a category, or every product of the organisation. */
export const batchScopeSchema = z.union(
  [
    z
      .object({ productIds: z.array(productId).min(1, "name at least one product").max(MAX_BATCH_CHILDREN, `at most ${MAX_BATCH_CHILDREN.toLocaleString("en-US")} products per batch`) })
      .strict(),
    z.object({ category: z.string().trim().min(1, "category must not be empty").max(MAX_ID_LENGTH) }).strict(),
    z.object({ all: z.literal(true) }).strict(),
  ],
  { error: "give productIds, a category or all: true" },
);
export type BatchScope = z.infer<typeof batchScopeSchema>;

/** The parent job's data (beside the owner fields every job carries). */
export interface BatchJobData {
  scope: BatchScope;
  children: number;
}

export const batchResultSchema = z.object({
  success: z.literal(true),
  batchId: z.string(),
  total: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  rollup: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).describe("The queue's figures over the completed children (forecast: mean MAPE…)"),
  failures: z.array(z.object({ jobId: z.string(), reason: z.string() })).describe("The first failed children, with their reasons"),
});
export type BatchResult = z.infer<typeof batchResultSchema>;

/**
 * The parent's job name says what the batch covers ("batch:category Fasteners"), the way a child's
 * names its product ("forecast:FAS-001"): every list that shows job names then tells batches apart.
 */
export function batchJobName(scope: BatchScope): string {
  return `${BATCH_JOB_PREFIX}:${scopeLabel(scope)}`;
}

/** Also true of parents named plain "batch", as they were before names carried the scope. */
export function isBatchJob(name: string): boolean {
  return name === BATCH_JOB_PREFIX || name.startsWith(`${BATCH_JOB_PREFIX}:`);
}

/** The queues whose runs can be batched. */
export function batchable(key: QueueKey): boolean {
  return queueDefinition(key).batch !== undefined;
}

/** What a job:complete event carries: the queue's summary, or a batch's counts and roll-up. */
export function runSummary(key: QueueKey, name: string, result: unknown): ResultSummary {
  if (!isBatchJob(name)) return queueDefinition(key).summarize(result);
  const batch = result as BatchResult;
  return { batch: true, total: batch.total, completed: batch.completed, failed: batch.failed, ...batch.rollup };
}

/** A short label of a scope, kept as the parent's business key. */
export function scopeLabel(scope: BatchScope): string {
  if ("all" in scope) return "all products";
  if ("category" in scope) return `category ${scope.category}`;
  return `${scope.productIds.length} product${scope.productIds.length === 1 ? "" : "s"}`;
}
