import type { Job } from "bullmq";
import { batchResultSchema, type BatchJobData, type BatchResult } from "../lib/jobs/batch-contract";
import { rollup } from "../lib/jobs/batches";
import { queueDefinition, type QueueKey } from "../lib/jobs/catalog";

/** Failed children named in the parent's result; the batch view lists the rest from the ledger. */
const FAILURES_NAMED = 20;

/**
 * A batch's parent attempt: it runs once every child has finished, and rolls up what BullMQ kept
 * for it, the completed children's results and the failed children's reasons (set aside by
 * `ignoreDependencyOnFailure`). Read from Redis rather than the ledger: a child's ledger row is
 * written after BullMQ reports its outcome, so the last children's rows may still be on the way.
 */
export async function rollUpBatch(key: QueueKey, job: Job): Promise<BatchResult> {
  const [values, failures] = await Promise.all([job.getChildrenValues(), job.getIgnoredChildrenFailures()]);
  const failed = Object.entries(failures);
  const data = job.data as BatchJobData;
  return batchResultSchema.parse({
    success: true,
    batchId: job.id,
    total: data.children,
    completed: Object.keys(values).length,
    failed: failed.length,
    rollup: rollup(queueDefinition(key), Object.values(values)),
    // Keys are `<prefix>:<queue>:<id>`; the prefix's hash tag holds no colon, the id none either.
    failures: failed.slice(0, FAILURES_NAMED).map(([childKey, reason]) => ({ jobId: childKey.slice(childKey.lastIndexOf(":") + 1), reason })),
  });
}
