import { apiRoute } from "@/lib/api/handler";
import { getRedisStats, healthCheck } from "@/lib/redis";

export const dynamic = "force-dynamic";

// GET /api/v1/health/redis — Redis latency, status and server stats
export const GET = apiRoute({
  auth: "user",
  doc: {
    summary: "Redis latency, status and server stats",
    tag: "health",
    responses: { 200: "Redis answers: `{ health, stats }`", 503: "Redis does not answer: `{ health, stats: null }`" },
  },
}, async () => {
  const health = await healthCheck();
  if (!health.healthy) return Response.json({ health, stats: null }, { status: 503 });
  return { health, stats: await getRedisStats() };
});
