import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { queueManager } from "@/lib/jobs/queue-manager";

export const dynamic = "force-dynamic";

// GET /api/v1/queues/:queueKey/stats — job counts by state and the paused flag
export const GET = apiRoute({
  auth: "user",
  redis: true,
  params: queueParams,
  doc: {
    summary: "A queue's job counts by state and whether it is paused",
  },
}, async ({ params }) => queueManager().stats(params.queueKey));
