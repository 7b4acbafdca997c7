import { z } from "zod";
import { ApiError, zodDetails } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { PRIORITY } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";

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

// POST /api/v1/queues/:queueKey/jobs — add a job (validated against the catalogue)
export const POST = apiRoute({ auth: "user", redis: true, params: queueParams, body }, async ({ params, body, principal }) => {
  const result = await enqueueJob({
    queue: params.queueKey,
    name: body.name,
    data: body.data,
    priority: body.options.priority,
    delay: body.options.delay,
    owner: principal,
  });
  if (!result.ok) {
    if (result.code === "forbidden") throw new ApiError("forbidden", result.message);
    const details = zodDetails(result.issues, "body.data");
    throw new ApiError("unprocessable-entity", `Invalid job data — ${details[0]?.path}: ${details[0]?.message}`, details);
  }
  return Response.json({ jobId: result.jobId, queue: result.queue, name: result.name, state: result.state }, { status: 201 });
});
