import { apiRoute } from "@/lib/api/handler";
import { getRedisStats, healthCheck } from "@/lib/redis";

export const dynamic = "force-dynamic";

// GET /api/v1/health/redis — Redis latency, status and server stats
export const GET = apiRoute({ auth: "user" }, async () => {
  const health = await healthCheck();
  if (!health.healthy) return Response.json({ health, stats: null }, { status: 503 });
  return { health, stats: await getRedisStats() };
});
