import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { QUEUE_KEYS } from "@/lib/jobs/catalog";
import { METRICS_RANGES } from "@/lib/metrics/buckets";
import { readMetricsSeries } from "@/lib/metrics/read-metrics";
import { sharedRedis } from "@/lib/redis";

export const dynamic = "force-dynamic";

const query = z.object({
  queue: z.enum(["all", ...QUEUE_KEYS], { error: `must be "all" or one of ${QUEUE_KEYS.join(", ")}` }).default("all"),
  range: z.enum(METRICS_RANGES, { error: `must be one of ${METRICS_RANGES.join(", ")}` }).default("hour"),
});

// GET /api/v1/metrics?queue=<key|all>&range=hour|day|week — throughput and wait/run percentiles over time (admin)
export const GET = apiRoute({ auth: "admin", redis: true, query, doc: { summary: "Throughput and wait/run percentiles over time, per queue or for all" } }, async ({ query }) =>
  readMetricsSeries(sharedRedis(), env().REDIS_PREFIX, { queue: query.queue, range: query.range }),
);
