import { apiRoute } from "@/lib/api/handler";
import { systemHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

// GET /api/v1/health — public liveness of web, Redis, PostgreSQL and workers
export const GET = apiRoute({ auth: "public" }, async () => {
  const health = await systemHealth();
  return Response.json(health, { status: health.status === "down" ? 503 : 200, headers: { "cache-control": "no-store" } });
});
