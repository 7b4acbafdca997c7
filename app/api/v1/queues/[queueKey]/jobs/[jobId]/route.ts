import { apiRoute, requireFound } from "@/lib/api/handler";
import { jobParams } from "@/lib/api/params";
import { getJobStatus } from "@/lib/jobs/job-status";

export const dynamic = "force-dynamic";

// GET /api/v1/queues/:queueKey/jobs/:jobId — a job's state, progress, result or failure
export const GET = apiRoute({ auth: "user", redis: true, params: jobParams }, async ({ params, principal }) =>
  requireFound(await getJobStatus(params.queueKey, params.jobId, principal), `No job ${params.jobId} in the ${params.queueKey} queue`),
);
