import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { setQueuePaused } from "@/lib/jobs/queue-control";

export const dynamic = "force-dynamic";

// POST /api/v1/queues/:queueKey/pause — pause a queue (admin)
export const POST = apiRoute({
  auth: "admin",
  redis: true,
  params: queueParams,
  doc: {
    summary: "Pause a queue: workers take no new jobs from it",
  },
}, async ({ params, principal }) =>
  setQueuePaused(params.queueKey, true, principal),
);
