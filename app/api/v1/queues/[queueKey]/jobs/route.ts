import { z } from "zod";
import { enqueuedResponse, enqueueError, idempotencyKeyOf, idempotencyKeySchema, jobOptionsSchema, jobSchema } from "@/lib/api/enqueue-response";
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
export const POST = apiRoute({ auth: "user", redis: true, params: queueParams, body }, async ({ request, params, body, principal }) => {
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
export const GET = apiRoute({ auth: "admin", redis: true, params: queueParams, query: listQuery }, async ({ params, query }) =>
  listQueueJobs({ queue: params.queueKey, state: query.state, page: query.page, pageSize: query.pageSize }),
);
