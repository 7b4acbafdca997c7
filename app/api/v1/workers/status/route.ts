import { apiRoute } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { listWorkers } from "@/lib/jobs/worker-registry";
import { sharedRedis } from "@/lib/redis";

export const dynamic = "force-dynamic";

// GET /api/v1/workers/status — live worker processes from their Redis heartbeats
export const GET = apiRoute({ auth: "user", redis: true, doc: { summary: "Live worker processes, from their Redis heartbeats", tag: "workers" } }, async () => {
  const workers = await listWorkers(sharedRedis(), env().REDIS_PREFIX);
  const now = Date.now();
  return {
    workers: workers.map((worker) => ({
      ...worker,
      uptimeSeconds: Math.round((now - Date.parse(worker.startedAt)) / 1000),
      heartbeatAgeMs: now - Date.parse(worker.lastHeartbeat),
    })),
  };
});
