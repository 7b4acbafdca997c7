import { z } from "zod";
import { ApiError, zodDetails } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { PRIORITY } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { listQueueJobs, QUEUE_JOB_STATES } from "@/lib/jobs/list-queue-jobs";
import { runOrganization } from "@/lib/organizations/run-organization";

export const dynamic = "force-dynamic";

const body = z.object({
  name: z.string().trim().min(1, "name is required").max(100),
  data: z.unknown(),
  options: z
    .object({
      priority: z.number().int().min(PRIORITY.min).max(PRIORITY.max).optional(),
      delay: z.number().int().min(0).max(7 * 24 * 3_600_000).optional(),
    })
    .strict()
    .default({}),
});

// POST /api/v1/queues/:queueKey/jobs — add a job (validated against the catalogue; planners: about their organisation's products only)
export const POST = apiRoute({ auth: "user", redis: true, params: queueParams, body }, async ({ params, body, principal }) => {
  const organization = await runOrganization(params.queueKey, body.data, principal);
  if (!organization.ok) {
    throw new ApiError("unprocessable-entity", `Invalid job data — body.data.productId: no product with id "${organization.productId}"`, [
      { path: "body.data.productId", message: "no such product" },
    ]);
  }
  const result = await enqueueJob({
    queue: params.queueKey,
    name: body.name,
    data: body.data,
    priority: body.options.priority,
    delay: body.options.delay,
    owner: { ...principal, organizationId: organization.organizationId },
  });
  if (!result.ok) {
    if (result.code === "forbidden") throw new ApiError("forbidden", result.message);
    const details = zodDetails(result.issues, "body.data");
    throw new ApiError("unprocessable-entity", `Invalid job data — ${details[0]?.path}: ${details[0]?.message}`, details);
  }
  return Response.json({ jobId: result.jobId, queue: result.queue, name: result.name, state: result.state }, { status: 201 });
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
