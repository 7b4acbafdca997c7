import type { Db } from "../lib/db";
import type { BatchResult } from "../lib/jobs/batch-contract";
import { enqueueBatch } from "../lib/jobs/batches";
import type { QueueManager } from "../lib/jobs/queue-manager";
import { config } from "./config";
import { startWorkers, type Owner } from "./forecast";
import { assertAlive, sleep, stopChild } from "./processes";
import { deleteBenchKeys, resetRunTables, type SeededProduct } from "./setup";
import { byComm, byProcessGroups, cpuSnapshot, cpuUsage, loadAverage, type CpuGroup, type CpuUsage } from "./system";
import { fixed, section, table, verdict } from "./table";

/**
 * Part 5: "forecast every product" as one batch (lib/jobs/batches.ts): enqueueBatch with
 * `{ all: true }` (the scope query, one INSERT of every ledger row, one FlowProducer MULTI), then
 * the real worker processes running the children and the parent's roll-up.
 */
export interface BatchRun {
  processes: number;
  concurrency: number;
  products: number;
  /** enqueueBatch from call to answer: scope query, ledger INSERT, flow in Redis. */
  enqueueMs: number;
  /** Resume to the parent completed in Redis (every child finished and the roll-up ran). */
  processMs: number;
  /** Resume to the parent's ledger row completed (its outcome written after BullMQ's). */
  ledgerMs: number;
  result: BatchResult | null;
  cpu: CpuUsage;
  load: string;
}

async function waitForParent(queues: QueueManager, db: Db, batchId: string, children: Parameters<typeof assertAlive>[0], timeoutMs: number) {
  const queue = queues.queue("forecast");
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  let processMs: number | undefined;
  for (;;) {
    assertAlive(children);
    if (processMs === undefined) {
      const state = await queue.getJobState(batchId);
      if (state === "completed" || state === "failed") processMs = performance.now() - started;
    }
    if (processMs !== undefined) {
      const row = await db.jobRun.findUnique({ where: { id: batchId }, select: { state: true, result: true } });
      if (row && (row.state === "COMPLETED" || row.state === "FAILED")) return { processMs, ledgerMs: performance.now() - started, result: row.result as BatchResult | null };
    }
    if (Date.now() > deadline) throw new Error(`the batch did not finish within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

export async function runBatchRow(processes: number, concurrency: number, products: readonly SeededProduct[], owner: Owner, deps: { db: Db; queues: QueueManager }): Promise<BatchRun> {
  const queue = deps.queues.queue("forecast");
  await deleteBenchKeys();
  await resetRunTables(deps.db);
  await queue.pause();
  const children = await startWorkers(processes, concurrency);
  try {
    // Warm-up batch: every slot of every process runs a few forecasts (task threads, pools) before the clock starts.
    const warmup = await enqueueBatch({ queue: "forecast", scope: { productIds: products.slice(0, processes * concurrency * 3).map((product) => product.id) }, data: { horizon: config.horizon }, owner }, deps);
    if (!warmup.ok) throw new Error(`warm-up batch refused: ${warmup.code}`);
    await queue.resume();
    await waitForParent(deps.queues, deps.db, warmup.batchId, children, 120_000);
    await queue.pause();

    const started = performance.now();
    const batch = await enqueueBatch({ queue: "forecast", scope: { all: true }, data: { horizon: config.horizon, models: ["all"] }, owner }, deps);
    const enqueueMs = performance.now() - started;
    if (!batch.ok) throw new Error(`batch refused: ${batch.code}`);
    const groups: CpuGroup[] = [byProcessGroups("workers", () => children.map((child) => child.pid)), byComm("postgres", "postgres"), byComm("redis", "redis-server")];
    const before = cpuSnapshot(groups);
    await queue.resume();
    const finished = await waitForParent(deps.queues, deps.db, batch.batchId, children, Math.max(300_000, batch.children * 100));
    return { processes, concurrency, products: batch.children, enqueueMs, ...finished, cpu: cpuUsage(before, cpuSnapshot(groups), groups), load: loadAverage() };
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
  }
}

export function printBatch(runs: readonly BatchRun[]): void {
  console.log(section(`5. Bulk forecast as a flow — "forecast every product" (${runs[0]?.products.toLocaleString("en-US") ?? 0} products × ${config.historyDays} days, horizon ${config.horizon}, models ["all"])`));
  console.log(
    table(
      ["workers × conc", "products", "enqueue s", "processed s", "ledger done s", "completed", "failed", "mean MAPE %", "forecasts/s", "load after"],
      runs.map((run) => [
        `${run.processes} × ${run.concurrency}`,
        run.products.toLocaleString("en-US"),
        fixed(run.enqueueMs / 1000, 2),
        fixed(run.processMs / 1000, 1),
        fixed(run.ledgerMs / 1000, 1),
        String(run.result?.completed ?? "—"),
        String(run.result?.failed ?? "—"),
        run.result ? String(run.result.rollup.meanAccuracy ?? "—") : "—",
        fixed(run.products / (run.processMs / 1000), 1),
        run.load,
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "l"],
    ),
  );
  for (const run of runs) {
    console.log(`\n${run.processes} × ${run.concurrency}: enqueued in ${fixed(run.enqueueMs / 1000, 2)} s (target < 3 s) ${verdict(run.enqueueMs < 3_000)}; processed in ${fixed(run.processMs / 1000, 1)} s (target < 120 s) ${verdict(run.processMs < 120_000)}`);
  }
}
