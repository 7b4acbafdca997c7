import { z } from "zod";
import { PRIORITY } from "../jobs/catalog";
import type { EnqueueFailure, Enqueued, JobRequest } from "../jobs/enqueue-job";
import { MAX_IDEMPOTENCY_KEY_LENGTH } from "../jobs/idempotency";
import { ApiError, zodDetails, type ErrorDetail } from "./errors";

/** The HTTP side of launching a job, shared by every endpoint that enqueues. */

export const idempotencyKeySchema = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(MAX_IDEMPOTENCY_KEY_LENGTH, `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);

export const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * A request's job data: any JSON here, validated against the queue's catalogue payload by
 * enqueueJob (so errors name `body.data.<field>`). The OpenAPI document shows this schema as the
 * catalogue's payloads (lib/openapi/document.ts recognises it), so a route declares it by using it.
 */
export const jobDataSchema = z.unknown().describe("The job data: the payload of the queue named in the path, as the job catalogue declares it");

/** The options of one job, as the generic endpoints take them. */
export const jobOptionsSchema = z
  .object({
    priority: z.number().int().min(PRIORITY.min).max(PRIORITY.max).optional(),
    delay: z.number().int().min(0).max(7 * 24 * 3_600_000).optional(),
  })
  .strict();

/** One job of the generic endpoints: its name, its data (checked against the catalogue later) and options. */
export const jobSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100),
  data: jobDataSchema,
  options: jobOptionsSchema.default({}),
});

/**
 * A bulk launch's jobs, each parsed with `jobSchema`: every invalid job is named by its index
 * (`body.jobs[3].name`), and one invalid job refuses them all.
 */
export function parseBulkJobs(jobs: readonly unknown[]): JobRequest[] {
  const parsed: JobRequest[] = [];
  const details: ErrorDetail[] = [];
  let invalid = 0;
  for (const [index, job] of jobs.entries()) {
    const result = jobSchema.safeParse(job);
    if (result.success) parsed.push({ name: result.data.name, data: result.data.data, ...result.data.options });
    else {
      invalid++;
      details.push(...zodDetails(result.error.issues, `body.jobs[${index}]`));
    }
  }
  if (invalid > 0) {
    const more = invalid > 1 ? ` (${invalid} jobs are invalid; nothing was added)` : "";
    throw new ApiError("unprocessable-entity", `Invalid body — ${details[0]!.path}: ${details[0]!.message}${more}`, details);
  }
  return parsed;
}

export interface IdempotencyKey {
  key: string;
  /** Where it came from, for error details. */
  path: string;
}

/**
 * The launch's idempotency key: the `Idempotency-Key` header or a key from the body (already
 * parsed with `idempotencyKeySchema`); both may be sent when they agree.
 */
export function idempotencyKeyOf(request: Request, fromBody?: IdempotencyKey): IdempotencyKey | undefined {
  const header = request.headers.get(IDEMPOTENCY_HEADER);
  if (header === null) return fromBody;
  const path = `headers.${IDEMPOTENCY_HEADER}`;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) throw new ApiError("unprocessable-entity", `Invalid header — ${path}: ${parsed.error.issues[0]!.message}`, [{ path, message: parsed.error.issues[0]!.message }]);
  if (fromBody && fromBody.key !== parsed.data) {
    const message = "differs from the Idempotency-Key header; send one key";
    throw new ApiError("unprocessable-entity", `Invalid body — ${fromBody.path}: ${message}`, [{ path: fromBody.path, message }]);
  }
  return { key: parsed.data, path };
}

/**
 * An enqueue failure as the API answers it. `root` is where the job data sits in the request
 * (`body.data`); for a bulk launch, where job `index`'s data sits (`body.jobs[3].data`).
 */
export function enqueueError(failure: EnqueueFailure, { root, idempotencyKey }: { root: string | ((index: number) => string); idempotencyKey?: IdempotencyKey }): ApiError {
  const rootOf = (index: number) => (typeof root === "string" ? root : root(index));
  switch (failure.code) {
    case "forbidden":
      // "body.jobs[3].data" → "jobs[3]: …": which job of a bulk launch the refusal is about.
      return new ApiError("forbidden", failure.index === undefined ? failure.message : `${rootOf(failure.index).replace(/^body\.|\.data$/g, "")}: ${failure.message}`);
    case "invalid-payload":
      return invalidJobData(zodDetails(failure.issues, rootOf(0)));
    case "invalid-jobs":
      return invalidJobData(failure.jobs.flatMap((job) => zodDetails(job.issues, rootOf(job.index))), failure.jobs.length);
    case "idempotency-key-reused":
      return new ApiError("unprocessable-entity", failure.message, idempotencyKey ? [{ path: idempotencyKey.path, message: "already used for another request" }] : []);
    case "idempotency-key-in-progress":
      return new ApiError("conflict", failure.message);
    case "unconfirmed": {
      const jobs = failure.jobIds.length === 1 ? `job ${failure.jobIds[0]}` : `${failure.jobIds.length} jobs`;
      const retry = idempotencyKey ? "; a retry with the same idempotency key answers with it without adding another" : "";
      return new ApiError("service-unavailable", `Redis did not confirm that it took ${jobs}; it may still run${retry}`);
    }
    case "partly-added":
      return new ApiError(
        "service-unavailable",
        `${failure.jobIds.length} of the ${failure.total} jobs were added before Redis or the database failed; the others were not added${idempotencyKey ? " (a retry with the same idempotency key answers with the ones added)" : ""}`,
      );
  }
}

function invalidJobData(details: ErrorDetail[], invalidJobs = 1): ApiError {
  const more = invalidJobs > 1 ? ` (${invalidJobs} jobs are invalid; nothing was added)` : "";
  return new ApiError("unprocessable-entity", `Invalid job data — ${details[0]?.path}: ${details[0]?.message}${more}`, details);
}

/**
 * 201 for a job added now; 200 with `deduplicated: true` when an existing job answers the launch
 * (the same idempotency key again, or an identical job still waiting or running).
 */
export function enqueuedResponse(result: Pick<Enqueued, "deduplicated">, body: Record<string, unknown>): Response {
  return Response.json({ ...body, deduplicated: result.deduplicated }, { status: result.deduplicated ? 200 : 201 });
}
