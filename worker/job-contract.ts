import { UnrecoverableError } from "bullmq";
import type { z } from "zod";
import { zodDetails } from "../lib/api/errors";
import { queueDefinition, type JobPayload, type JobResult, type QueueKey } from "../lib/jobs/catalog";
import { jobPayload } from "../lib/jobs/job-data";

/**
 * The worker's side of the catalogue's contracts. Jobs can reach a queue without passing the API
 * (bull-board, scripts on raw BullMQ, data written by an older release), so every attempt checks
 * its job data again; and every result is checked before it is stored, so a processor cannot hand
 * the read side a shape the documentation does not promise. A mismatch fails the job for good:
 * neither bad data nor a processor bug heals on retry.
 */

export { jobOwner, type JobOwner } from "../lib/jobs/job-data";

/** The job's payload parsed against its queue's schema (defaults applied), without the owner fields. */
export function parseJobData<K extends QueueKey>(key: K, data: unknown): JobPayload<K> {
  return conform(queueDefinition(key).payload, jobPayload(data), `Job data does not match the ${key} queue's contract`, "data") as JobPayload<K>;
}

/** The processor's result as the queue documents it (fields the schema does not name are dropped). */
export function checkJobResult<K extends QueueKey>(key: K, result: unknown): JobResult<K> {
  return conform(queueDefinition(key).result, result, `The ${key} processor's result does not match the queue's contract`, "result") as JobResult<K>;
}

/** Issues named in a failure reason; the rest are counted (a long list helps no one in a log line). */
const MAX_ISSUES_NAMED = 5;

function conform(schema: z.ZodType, value: unknown, problem: string, root: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = zodDetails(parsed.error.issues, root).map((detail) => `${detail.path}: ${detail.message}`);
  const more = details.length - MAX_ISSUES_NAMED;
  throw new UnrecoverableError(`${problem} — ${details.slice(0, MAX_ISSUES_NAMED).join("; ")}${more > 0 ? `; and ${more} more` : ""}`);
}

