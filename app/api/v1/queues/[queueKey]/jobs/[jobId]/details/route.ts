import { apiRoute, requireFound } from "@/lib/api/handler";
import { jobParams } from "@/lib/api/params";
import { getJobDetails } from "@/lib/jobs/job-details";

export const dynamic = "force-dynamic";

// GET /api/v1/queues/:queueKey/jobs/:jobId/details — data, options, timeline, logs and links of a job (owner, admin)
export const GET = apiRoute({
  auth: "user",
  redis: true,
  params: jobParams,
  doc: {
    summary: "A job's data, options, timeline, logs and links (its owner or an admin)",
    tag: "jobs",
    errors: { "not-found": "No such job in this queue (for the caller)." },
  },
}, async ({ params, principal }) =>
  requireFound(await getJobDetails(params.queueKey, params.jobId, principal), `No job ${params.jobId} in the ${params.queueKey} queue`),
);
