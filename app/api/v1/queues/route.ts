import { apiRoute } from "@/lib/api/handler";
import { queueOverview } from "@/lib/jobs/queue-overview";

export const dynamic = "force-dynamic";

// GET /api/v1/queues — all seven queues: counts, rates, oldest waiting job, drain time, limits, workers
export const GET = apiRoute({
  auth: "user",
  redis: true,
  doc: {
    summary: "Every queue: counts, rates, oldest waiting job, drain time, limits, workers",
  },
}, async () => ({ queues: await queueOverview() }));
