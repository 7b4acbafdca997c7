import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { jobParams } from "@/lib/api/params";
import { retryJob } from "@/lib/jobs/retry-job";

export const dynamic = "force-dynamic";

// POST /api/v1/queues/:queueKey/jobs/:jobId/retry — retry a failed job (planners: their own)
export const POST = apiRoute({
  auth: "user",
  redis: true,
  params: jobParams,
  doc: {
    summary: "Retry a failed job (planners: their own)",
    tag: "jobs",
    errors: { "not-found": "No such job in this queue (for the caller).", conflict: "The job has not failed." },
  },
}, async ({ params, principal }) => {
  const result = await retryJob(params.queueKey, params.jobId, principal);
  if (result.ok) return { jobId: params.jobId, state: "waiting" };
  if (result.code === "job-not-found") throw new ApiError("not-found", `No job ${params.jobId} in the ${params.queueKey} queue`);
  throw new ApiError("conflict", `Only failed jobs can be retried; this job is ${result.state}`);
});
