import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { jobParams } from "@/lib/api/params";
import { promoteJob } from "@/lib/jobs/promote-job";

export const dynamic = "force-dynamic";

// POST /api/v1/queues/:queueKey/jobs/:jobId/promote — run a delayed job now (admin)
export const POST = apiRoute({
  auth: "admin",
  redis: true,
  params: jobParams,
  doc: {
    summary: "Run a delayed job now",
    tag: "jobs",
    errors: { "not-found": "No such job in this queue.", conflict: "The job is not delayed." },
  },
}, async ({ params, principal }) => {
  const result = await promoteJob(params.queueKey, params.jobId, principal);
  if (result.ok) return { jobId: params.jobId, state: "waiting" };
  if (result.code === "job-not-found") throw new ApiError("not-found", `No job ${params.jobId} in the ${params.queueKey} queue`);
  throw new ApiError("conflict", `Only delayed jobs can be promoted; this job is ${result.state}`);
});
