import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { setQueuePaused } from "@/lib/jobs/queue-control";

export const dynamic = "force-dynamic";

// POST /api/v1/queues/:queueKey/resume — resume a queue (admin)
export const POST = apiRoute({ auth: "admin", redis: true, params: queueParams, doc: { summary: "Resume a paused queue" } }, async ({ params, principal }) =>
  setQueuePaused(params.queueKey, false, principal),
);
