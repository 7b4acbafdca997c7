import { ApiError } from "@/lib/api/errors";
import { apiRoute, requireFound } from "@/lib/api/handler";
import { jobParams } from "@/lib/api/params";
import { getJobStatus } from "@/lib/jobs/job-status";
import { removeJob } from "@/lib/jobs/remove-job";

export const dynamic = "force-dynamic";

// GET /api/v1/queues/:queueKey/jobs/:jobId — a job's state, progress, result or failure
export const GET = apiRoute({
  auth: "user",
  redis: true,
  params: jobParams,
  doc: {
    summary: "A job's state, progress, result or failure",
    tag: "jobs",
    description: "`result` is the queue's `<Queue>JobResult` once the job completed.",
    errors: { "not-found": "No such job in this queue (for the caller)." },
  },
}, async ({ params, principal }) =>
  requireFound(await getJobStatus(params.queueKey, params.jobId, principal), `No job ${params.jobId} in the ${params.queueKey} queue`),
);

// DELETE /api/v1/queues/:queueKey/jobs/:jobId — remove a job from its queue; the ledger keeps it as history (admin)
export const DELETE = apiRoute({
  auth: "admin",
  redis: true,
  params: jobParams,
  doc: {
    summary: "Remove a job from its queue; the ledger keeps it as history",
    tag: "jobs",
    errors: { "not-found": "No such job in this queue.", conflict: "The job is running (cancel it instead), already removed, or no longer held by its queue." },
  },
}, async ({ params, principal }) => {
  const result = await removeJob(params.queueKey, params.jobId, principal);
  if (result.ok) return { jobId: params.jobId, removed: true, previousState: result.previousState, cancelled: result.cancelled };
  if (result.code === "job-not-found") throw new ApiError("not-found", `No job ${params.jobId} in the ${params.queueKey} queue`);
  if (result.code === "job-active") throw new ApiError("conflict", "This job is running and cannot be removed; cancel it instead");
  throw new ApiError(
    "conflict",
    result.removedAt ? "This job was already removed from its queue" : "This job is no longer held by its queue (retention ended); its history stays in the ledger",
  );
});
