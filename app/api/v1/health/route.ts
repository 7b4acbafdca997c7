import { apiRoute } from "@/lib/api/handler";
import { systemHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

// GET /api/v1/health — public liveness of web, Redis, PostgreSQL and workers
export const GET = apiRoute({
  auth: "public",
  doc: {
    summary: "Liveness of web, Redis, PostgreSQL and workers",
    responses: { 200: "Up or degraded", 503: "Down: the same body, with `status: \"down\"`" },
  },
}, async () => {
  const health = await systemHealth();
  return Response.json(health, { status: health.status === "down" ? 503 : 200, headers: { "cache-control": "no-store" } });
});
