import pino from "pino";
import { db } from "@/lib/db";
import type { QueueKey } from "@/lib/jobs/catalog";
import { createRedis } from "@/lib/redis";
import type { ProcessorMap } from "@/worker/processor";
import { WorkerManager, type WorkerManagerOptions } from "@/worker/worker-manager";

/** A worker manager on this test file's prefix, with short timings unless told otherwise. */
export async function startTestWorker(
  queues: QueueKey[],
  processors: ProcessorMap,
  options: Partial<WorkerManagerOptions> = {},
): Promise<WorkerManager> {
  const manager = new WorkerManager({
    queues,
    processors,
    db: db(),
    createConnection: () => createRedis("worker"),
    prefix: process.env.REDIS_PREFIX!,
    logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }),
    heartbeatIntervalMs: 1_000,
    shutdownTimeoutMs: 10_000,
    ...options,
  });
  await manager.start();
  return manager;
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
