import { z } from "zod";
import { enqueuedResponse, enqueueError, IDEMPOTENCY_HEADER, idempotencyKeyOf, idempotencyKeySchema, jobOptionsSchema, jobSchema } from "@/lib/api/enqueue-response";
import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { listQueueJobs, QUEUE_JOB_STATES } from "@/lib/jobs/list-queue-jobs";

export const dynamic = "force-dynamic";

const body = jobSchema.extend({
  options: jobOptionsSchema
    .extend({
      /** Same as the Idempotency-Key header. */
      idempotencyKey: idempotencyKeySchema.optional(),
    })
    .strict()
    .default({}),
});

// POST /api/v1/queues/:queueKey/jobs — add a job (validated against the catalogue); an idempotency key makes a repeat return the first job
export const POST = apiRoute({
  auth: "user",
  redis: true,
  params: queueParams,
  body,
  doc: {
    summary: "Add a job to a queue, validated against the job catalogue",
    tag: "jobs",
    description: "`data` is the job data of the queue in the path: one of the `<Queue>JobData` schemas (see `x-queues`). Invalid data answers 422 with `details` at `body.data.<field>`.",
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKeySchema.optional().describe("Same as `options.idempotencyKey`: a repeat returns the first job (200, `deduplicated: true`)") },
    responses: { 201: "Job added: `{ jobId, queue, name, state, deduplicated: false }`", 200: "An existing job answers the launch (same idempotency key, or an identical deduplicated job): `deduplicated: true`" },
    errors: { forbidden: "The caller's role may not launch this queue's jobs, or the data names another user or organisation.", "unprocessable-entity": "The job data is not valid for the queue, or the idempotency key was used for another request.", conflict: "The first request with this idempotency key is still being added." },
  },
}, async ({ request, params, body, principal }) => {
  const { idempotencyKey: keyInBody, ...options } = body.options;
  const idempotencyKey = idempotencyKeyOf(request, keyInBody === undefined ? undefined : { key: keyInBody, path: "body.options.idempotencyKey" });
  const result = await enqueueJob({ queue: params.queueKey, name: body.name, data: body.data, ...options, idempotencyKey: idempotencyKey?.key, owner: principal });
  if (!result.ok) throw enqueueError(result, { root: "body.data", idempotencyKey });
  return enqueuedResponse(result, { jobId: result.jobId, queue: result.queue, name: result.name, state: result.state });
});

const listQuery = z.object({
  state: z.enum(QUEUE_JOB_STATES, { error: `must be one of ${QUEUE_JOB_STATES.join(", ")}` }).default("waiting"),
  page: z.coerce.number({ error: "must be a whole number from 1" }).int("must be a whole number from 1").min(1, "must be a whole number from 1").default(1),
  pageSize: z.coerce.number({ error: "must be a whole number from 1 to 100" }).int("must be a whole number from 1 to 100").min(1, "must be at least 1").max(100, "must be at most 100").default(25),
});

// GET /api/v1/queues/:queueKey/jobs?state=&page=&pageSize= — one page of a queue's jobs in one state, with counts per state (admin)
export const GET = apiRoute({
  auth: "admin",
  redis: true,
  params: queueParams,
  query: listQuery,
  doc: {
    summary: "One page of a queue's jobs in one state, with counts per state",
    tag: "jobs",
  },
}, async ({ params, query }) =>
  listQueueJobs({ queue: params.queueKey, state: query.state, page: query.page, pageSize: query.pageSize }),
);
