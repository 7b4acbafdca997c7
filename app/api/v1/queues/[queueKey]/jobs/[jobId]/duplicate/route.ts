import { z } from "zod";
import { enqueuedResponse, enqueueError, jobDataSchema } from "@/lib/api/enqueue-response";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { jobParams } from "@/lib/api/params";
import { PRIORITY } from "@/lib/jobs/catalog";
import { duplicateJob } from "@/lib/jobs/duplicate-job";

export const dynamic = "force-dynamic";

const body = z
  .object({
    /** Left out, the original job's data. */
    data: jobDataSchema.optional(),
    priority: z.number().int().min(PRIORITY.min).max(PRIORITY.max).optional(),
    delay: z.number().int().min(0).max(7 * 24 * 3_600_000).optional(),
  })
  .strict();

// POST /api/v1/queues/:queueKey/jobs/:jobId/duplicate — add a copy of a job, with edited data if given, owned by the caller (admin)
export const POST = apiRoute({
  auth: "admin",
  redis: true,
  params: jobParams,
  body,
  doc: {
    summary: "Add a copy of a job, with edited data if given, owned by the caller",
    tag: "jobs",
    responses: { 201: "Copy added: `{ jobId, queue, state, duplicateOf, deduplicated: false }`", 200: "An identical job still waiting or running answers (`deduplicated: true`)" },
    errors: { "not-found": "No such job in this queue.", forbidden: "The caller may not launch this queue's jobs.", "unprocessable-entity": "The (edited) data is not valid for the queue: `details` name `body.data.<field>`." },
  },
}, async ({ params, body, principal }) => {
  const result = await duplicateJob(params.queueKey, params.jobId, body, principal);
  if (result.ok) return enqueuedResponse(result, { jobId: result.jobId, queue: params.queueKey, state: result.state, duplicateOf: params.jobId });
  if (result.code === "job-not-found") throw new ApiError("not-found", `No job ${params.jobId} in the ${params.queueKey} queue`);
  throw enqueueError(result, { root: "body.data" });
});
