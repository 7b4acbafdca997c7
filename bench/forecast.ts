import type { Job } from "bullmq";
import type { Db } from "../lib/db";
import { enqueueJob } from "../lib/jobs/enqueue-job";
import type { QueueManager } from "../lib/jobs/queue-manager";
import { config } from "./config";
import { assertAlive, sleep, startChild, stopChild, type Child } from "./processes";
import { deleteBenchKeys, resetRunTables, type SeededProduct } from "./setup";
import { byComm, byPid, byProcessGroups, cpuSnapshot, cpuUsage, loadAverage, type CpuGroup, type CpuUsage } from "./system";
import { mean, quantile } from "./table";

/**
 * Part 2: forecasts per second through the real worker (`worker/main.ts`, one process per child),
 * one job per product, measured from the first job picked up to the last one finished.
 */
export interface ForecastRun {
  processes: number;
  concurrency: number;
  jobs: number;
  completed: number;
  failed: number;
  firstFailure?: string;
  /** In-process enqueueJob rate for the measured batch (ledger row + BullMQ add each). */
  enqueuePerSecond: number;
  /** First processedOn to last finishedOn of the measured jobs. */
  wallMs: number;
  /** Resume to "all done" as seen by polling (adds up to one poll interval). */
  polledWallMs: number;
  perSecond: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  /** CPU by process group over the measured window. */
  cpu: CpuUsage;
  load: string;
}

export interface Owner {
  id: string;
  role: "PLANNER";
  organizationId: string;
}

function workerEnv(concurrency: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.prefix,
    NEXTAUTH_SECRET: config.nextAuthSecret,
    INTEGRATION_SECRET_KEY: config.integrationSecretKey,
    QUEUE_CONCURRENCY_FORECAST: String(concurrency),
    // info: "worker started" is how a child says it is ready; per-job lines are what production logs.
    LOG_LEVEL: "info",
  };
}

export async function startWorkers(processes: number, concurrency: number): Promise<Child[]> {
  const children = Array.from({ length: processes }, (_, index) =>
    startChild(`worker-${processes}x${concurrency}-${index + 1}`, process.execPath, ["--import", "tsx", "worker/main.ts", "--queues=forecast"], workerEnv(concurrency)),
  );
  try {
    await Promise.all(children.map((child) => child.waitForLine(/"msg":"worker started"/, 60_000)));
  } catch (error) {
    await Promise.all(children.map((child) => stopChild(child)));
    throw error;
  }
  return children;
}

/** Enqueues through the app's own service, `parallel` at a time; returns the ids and the rate. */
export async function enqueueForecasts(
  products: readonly SeededProduct[],
  name: string,
  owner: Owner,
  deps: { db: Db; queues: QueueManager },
  parallel = 16,
): Promise<{ ids: string[]; perSecond: number }> {
  const started = performance.now();
  const ids: string[] = new Array(products.length);
  let next = 0;
  const lane = async () => {
    while (next < products.length) {
      const index = next++;
      const result = await enqueueJob(
        { queue: "forecast", name, data: { productId: products[index]!.id, horizon: config.horizon, models: ["all"] }, owner },
        deps,
      );
      if (!result.ok) throw new Error(`enqueue failed: ${result.code}`);
      ids[index] = result.jobId;
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return { ids, perSecond: products.length / ((performance.now() - started) / 1000) };
}

async function waitForFinished(queues: QueueManager, children: readonly Child[], target: number, timeoutMs: number, intervalMs = 100): Promise<void> {
  const queue = queues.queue("forecast");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    assertAlive(children);
    const counts = await queue.getJobCounts("completed", "failed");
    const done = (counts.completed ?? 0) + (counts.failed ?? 0);
    if (done >= target) return;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${target} forecast jobs finished within ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}

export async function runForecastRow(
  processes: number,
  concurrency: number,
  products: readonly SeededProduct[],
  owner: Owner,
  deps: { db: Db; queues: QueueManager },
): Promise<ForecastRun> {
  const queue = deps.queues.queue("forecast");
  // Same starting state for every row: no keys under the prefix, no ledger rows, no forecasts.
  await deleteBenchKeys();
  await resetRunTables(deps.db);
  await queue.pause();

  const children = await startWorkers(processes, concurrency);
  try {
    // Warm-up: enough jobs for every slot of every process, so task threads (each loads tsx and
    // the forecasting code, ~0.3 s of CPU) and connection pools exist before the clock starts.
    const warmupCount = Math.min(products.length, processes * concurrency * 3);
    await enqueueForecasts(products.slice(0, warmupCount), "warmup", owner, deps);
    await queue.resume();
    await waitForFinished(deps.queues, children, warmupCount, 120_000);
    await queue.pause();

    const enqueued = await enqueueForecasts(products, "forecast", owner, deps);
    const groups: CpuGroup[] = [
      byProcessGroups("workers", () => children.map((child) => child.pid)),
      byComm("postgres", "postgres"),
      byComm("redis", "redis-server"),
      byPid("bench", process.pid),
    ];
    const before = cpuSnapshot(groups);
    const resumedAt = performance.now();
    await queue.resume();
    await waitForFinished(deps.queues, children, warmupCount + products.length, Math.max(180_000, products.length * 500));
    const polledWallMs = performance.now() - resumedAt;
    const cpu = cpuUsage(before, cpuSnapshot(groups), groups);
    const load = loadAverage();

    const measured = new Set(enqueued.ids);
    const [completed, failed] = await Promise.all([queue.getJobs(["completed"], 0, -1), queue.getJobs(["failed"], 0, -1)]);
    const done = completed.filter((job): job is Job => Boolean(job && measured.has(job.id!)));
    const failures = failed.filter((job) => job && measured.has(job.id!));
    const durations = done.map((job) => job.finishedOn! - job.processedOn!).sort((a, b) => a - b);
    const firstStart = Math.min(...done.map((job) => job.processedOn!));
    const lastFinish = Math.max(...done.map((job) => job.finishedOn!));
    const wallMs = done.length > 0 ? lastFinish - firstStart : Number.NaN;
    return {
      processes,
      concurrency,
      jobs: products.length,
      completed: done.length,
      failed: failures.length,
      firstFailure: failures[0]?.failedReason,
      enqueuePerSecond: enqueued.perSecond,
      wallMs,
      polledWallMs,
      perSecond: done.length / (wallMs / 1000),
      meanMs: mean(durations),
      p50Ms: quantile(durations, 0.5),
      p95Ms: quantile(durations, 0.95),
      cpu,
      load,
    };
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
  }
}
