import { apiRoute } from "@/lib/api/handler";
import { queueOverview } from "@/lib/jobs/queue-overview";

export const dynamic = "force-dynamic";

// GET /api/v1/queues — all seven queues with their stats and settings
export const GET = apiRoute({ auth: "user", redis: true }, async () => ({ queues: await queueOverview() }));
