import type { Db } from "./db";
import { db as defaultDb } from "./db";
import { env } from "./env";
import { listWorkers } from "./jobs/worker-registry";
import { healthCheck, sharedRedis } from "./redis";

export interface SystemHealth {
  status: "ok" | "degraded" | "down";
  web: { status: "up" };
  redis: Awaited<ReturnType<typeof healthCheck>>;
  database: { healthy: boolean; latency: number | null };
  workers: { healthy: boolean; processes: number };
  checkedAt: string;
}

/** A `select 1` round trip; latency in ms. */
export async function databaseHealth(db: Db): Promise<{ healthy: boolean; latency: number | null }> {
  const started = performance.now();
  try {
    await db.$queryRaw`select 1`;
    return { healthy: true, latency: Math.round((performance.now() - started) * 100) / 100 };
  } catch {
    return { healthy: false, latency: null };
  }
}

/** Liveness of everything the product depends on; says nothing secret (no URLs, no versions). */
export async function systemHealth({ db = defaultDb() }: { db?: Db } = {}): Promise<SystemHealth> {
  const [redis, database] = await Promise.all([healthCheck(), databaseHealth(db)]);
  const processes = redis.healthy ? (await listWorkers(sharedRedis(), env().REDIS_PREFIX).catch(() => [])).length : 0;
  const status = !redis.healthy || !database.healthy ? "down" : processes === 0 || redis.status === "degraded" ? "degraded" : "ok";
  return {
    status,
    web: { status: "up" },
    redis: { healthy: redis.healthy, latency: redis.latency, status: redis.status },
    database,
    workers: { healthy: processes > 0, processes },
    checkedAt: new Date().toISOString(),
  };
}
