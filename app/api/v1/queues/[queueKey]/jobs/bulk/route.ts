import { z } from "zod";
import { enqueueError, idempotencyKeyOf, idempotencyKeySchema, parseBulkJobs } from "@/lib/api/enqueue-response";
import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { enqueueJobs, MAX_BULK_JOBS } from "@/lib/jobs/enqueue-job";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

const body = z.object({
  // Each job is parsed by parseBulkJobs, so that its errors name its index.
  jobs: z
    .array(z.unknown(), { error: "must be a list of jobs" })
    .min(1, "send at least one job")
    .max(MAX_BULK_JOBS, `at most ${MAX_BULK_JOBS.toLocaleString("en-US")} jobs per request`),
  /** Same as the Idempotency-Key header: a repeat of the launch answers with the jobs of the first. */
  idempotencyKey: idempotencyKeySchema.optional(),
});

// POST /api/v1/queues/:queueKey/jobs/bulk — add up to 10,000 jobs at once, all or none (each validated against the catalogue; errors name the job's index)
export const POST = apiRoute(
  { auth: "user", redis: true, params: queueParams, body, maxBodyBytes: () => env().API_BULK_MAX_BODY_BYTES },
  async ({ request, params, body, principal }) => {
    const jobs = parseBulkJobs(body.jobs);
    const idempotencyKey = idempotencyKeyOf(request, body.idempotencyKey === undefined ? undefined : { key: body.idempotencyKey, path: "body.idempotencyKey" });
    const result = await enqueueJobs({ queue: params.queueKey, jobs, idempotencyKey: idempotencyKey?.key, owner: principal });
    if (!result.ok) throw enqueueError(result, { root: (index) => `body.jobs[${index}].data`, idempotencyKey });
    const answer = { queue: result.queue, count: result.jobs.length, jobs: result.jobs, deduplicated: result.deduplicated };
    return Response.json(answer, { status: result.deduplicated ? 200 : 201 });
  },
);
