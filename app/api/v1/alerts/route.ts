import { currentAlerts } from "@/lib/alerts/alert-store";
import { apiRoute } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { sharedRedis } from "@/lib/redis";

export const dynamic = "force-dynamic";

// GET /api/v1/alerts — queue alerts firing now, with their figures and when they were last evaluated (admin)
export const GET = apiRoute({
  auth: "admin",
  redis: true,
  doc: {
    summary: "Queue alerts firing now, with their figures and when they were last evaluated",
  },
}, async () => currentAlerts({ redis: sharedRedis(), prefix: env().REDIS_PREFIX, config: env() }));
