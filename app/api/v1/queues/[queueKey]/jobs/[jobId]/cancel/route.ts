import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { jobParams } from "@/lib/api/params";
import { cancelJob } from "@/lib/jobs/cancel-job";

export const dynamic = "force-dynamic";

// POST /api/v1/queues/:queueKey/jobs/:jobId/cancel — cancel a waiting, delayed or running job (owner, admin)
export const POST = apiRoute({
  auth: "user",
  redis: true,
  params: jobParams,
  doc: {
    summary: "Cancel a waiting, delayed or running job (its owner or an admin)",
    tag: "jobs",
    errors: { "not-found": "No such job in this queue (for the caller).", conflict: "The job is not waiting, delayed or running." },
  },
}, async ({ params, principal }) => {
  const result = await cancelJob(params.queueKey, params.jobId, principal);
  if (result.ok) return { jobId: params.jobId, state: result.state };
  if (result.code === "job-not-found") throw new ApiError("not-found", `No job ${params.jobId} in the ${params.queueKey} queue`);
  throw new ApiError("conflict", `Only waiting, delayed or running jobs can be cancelled; this job is ${result.state}`);
});
