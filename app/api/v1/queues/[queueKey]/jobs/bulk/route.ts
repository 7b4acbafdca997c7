import { z } from "zod";
import { enqueueError, IDEMPOTENCY_HEADER, idempotencyKeyOf, idempotencyKeySchema, jobSchema, parseBulkJobs } from "@/lib/api/enqueue-response";
import { apiRoute } from "@/lib/api/handler";
import { documentAs } from "@/lib/api/route-doc";
import { queueParams } from "@/lib/api/params";
import { enqueueJobs, MAX_BULK_JOBS } from "@/lib/jobs/enqueue-job";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

const body = z.object({
  // Each job is parsed by parseBulkJobs, so that its errors name its index.
  jobs: z
    .array(documentAs(z.unknown(), jobSchema), { error: "must be a list of jobs" })
    .min(1, "send at least one job")
    .max(MAX_BULK_JOBS, `at most ${MAX_BULK_JOBS.toLocaleString("en-US")} jobs per request`),
  /** Same as the Idempotency-Key header: a repeat of the launch answers with the jobs of the first. */
  idempotencyKey: idempotencyKeySchema.optional(),
});

// POST /api/v1/queues/:queueKey/jobs/bulk — add up to 10,000 jobs at once, all or none (each validated against the catalogue; errors name the job's index)
export const POST = apiRoute(
  {
    auth: "user",
    redis: true,
    params: queueParams,
    body,
    maxBodyBytes: () => env().API_BULK_MAX_BODY_BYTES,
    doc: {
      summary: "Add up to 10,000 jobs to a queue at once, all or none",
      tag: "jobs",
      description: "Each job is `{ name, data, options }` as for the single launch, its `data` validated against the queue's catalogue payload. One invalid job refuses them all: 422 with `details` at `body.jobs[<index>]…`.",
      headers: { [IDEMPOTENCY_HEADER]: idempotencyKeySchema.optional().describe("Same as `idempotencyKey`: a repeat returns the jobs of the first launch (200, `deduplicated: true`)") },
      responses: { 201: "Jobs added: `{ queue, count, jobs, deduplicated: false }`", 200: "A repeat of a launch with the same idempotency key: the first launch's jobs, `deduplicated: true`" },
      errors: { forbidden: "The caller's role may not launch this queue's jobs, or a job names another user or organisation.", "unprocessable-entity": "A job is not valid for the queue, or the idempotency key was used for another request.", conflict: "The first request with this idempotency key is still being added." },
    },
  },
  async ({ request, params, body, principal }) => {
    const jobs = parseBulkJobs(body.jobs);
    const idempotencyKey = idempotencyKeyOf(request, body.idempotencyKey === undefined ? undefined : { key: body.idempotencyKey, path: "body.idempotencyKey" });
    const result = await enqueueJobs({ queue: params.queueKey, jobs, idempotencyKey: idempotencyKey?.key, owner: principal });
    if (!result.ok) throw enqueueError(result, { root: (index) => `body.jobs[${index}].data`, idempotencyKey });
    const answer = { queue: result.queue, count: result.jobs.length, jobs: result.jobs, deduplicated: result.deduplicated };
    return Response.json(answer, { status: result.deduplicated ? 200 : 201 });
  },
);
