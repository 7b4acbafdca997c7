import { closeDb, db } from "../lib/db";
import { env, EnvError } from "../lib/env";
import { QUEUE_KEYS, isQueueKey, type QueueKey } from "../lib/jobs/catalog";
import { logger } from "../lib/logger";
import { startTracingIfConfigured } from "../lib/observability/start-tracing";
import { createRedis } from "../lib/redis";
import { checkServices, ServiceError } from "../scripts/services.mjs";
import { MaintenanceWorker } from "./maintenance/maintenance-worker";
import { processors } from "./processors";
import { WorkerManager } from "./worker-manager";

/**
 * `npm run worker` — one process serving every queue, or the subset named by `--queues a,b` or
 * WORKER_QUEUES, so heavy queues can run on their own hosts.
 */
function selectedQueues(): QueueKey[] {
  const flag = process.argv.find((arg) => arg.startsWith("--queues="))?.split("=")[1];
  const raw = flag ?? env().WORKER_QUEUES;
  if (!raw) return [...QUEUE_KEYS];
  const names = raw.split(",").map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !isQueueKey(name));
  if (unknown.length > 0) {
    throw new EnvError(`Unknown queue(s) in WORKER_QUEUES/--queues: ${unknown.join(", ")}. Known: ${QUEUE_KEYS.join(", ")}`);
  }
  return names as QueueKey[];
}

async function main() {
  const config = env();
  await checkServices({ redis: config.REDIS_CLUSTER_NODES ?? config.REDIS_URL, databaseUrl: config.DATABASE_URL });
  // Before any Worker exists: each is created with the telemetry option when tracing is on.
  const tracing = await startTracingIfConfigured("capliquify-worker");
  const manager = new WorkerManager({
    queues: selectedQueues(),
    processors,
    db: db(),
    createConnection: () => createRedis("worker"),
    prefix: config.REDIS_PREFIX,
    logger: logger(),
    heartbeatIntervalMs: config.WORKER_HEALTH_CHECK_INTERVAL,
    shutdownTimeoutMs: config.WORKER_SHUTDOWN_TIMEOUT,
    lockDurationMs: config.WORKER_LOCK_DURATION,
    stalledIntervalMs: config.WORKER_STALLED_INTERVAL,
    maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
  });
  await manager.start();
  // Bulk retries and removals of failed jobs (the failed-jobs desk) run here, not in the web app.
  const maintenance = new MaintenanceWorker({ db: db(), createConnection: () => createRedis("worker"), prefix: config.REDIS_PREFIX, logger: logger() });
  await maintenance.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, "shutting down: finishing active jobs");
    await Promise.all([manager.stop(), maintenance.stop()]);
    await Promise.all([closeDb(), tracing?.shutdown()]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  // Configuration and connectivity problems get a short message, not a stack trace.
  console.error(error instanceof EnvError || error instanceof ServiceError ? `\n✖ ${error.message}\n` : error);
  process.exit(1);
});
