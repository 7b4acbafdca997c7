import { spawn } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { queueManager } from "@/lib/jobs/queue-manager";
import type { Principal } from "@/lib/auth/principal";
import { threadTasksModule, type Processor } from "@/worker/processor";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { DOCUMENTED_DATA, documentedResult } from "../helpers/documented-jobs";

type SpinTasks = typeof import("../fixtures/spin-tasks").threadTasks;

let owner: Principal;
let worker: WorkerManager | undefined;

beforeAll(async () => {
  owner = (await createTestUser("PLANNER")).principal;
});

afterEach(async () => {
  await worker?.stop(5_000);
  worker = undefined;
  await queueManager().queue("analytics").obliterate({ force: true });
});

async function enqueueAnalytics() {
  const result = await enqueueJob({
    queue: "analytics",
    name: "turnover",
    data: DOCUMENTED_DATA.analytics,
    owner,
  });
  if (!result.ok) throw new Error(result.code);
  return result.jobId;
}

const runOf = (id: string) => db().jobRun.findUnique({ where: { id } });

describe("timeouts", () => {
  it("stops a CPU-bound attempt at the queue's timeout, fails it with a clear reason, and keeps serving", async () => {
    // CPU-bound work in the queue's own threads, loaded from the processor's tasks module.
    const spinning: Processor<"analytics", SpinTasks> = {
      threadTasks: threadTasksModule(new URL("../fixtures/spin-tasks.ts", import.meta.url)),
      async run(job, context) {
        if (job.name === "spin") return context.threads.run("spinForever", [], context.signal);
        return { ...documentedResult("analytics"), reportId: String(await context.threads.run("double", [21], context.signal)) };
      },
    };
    worker = await startTestWorker(["analytics"], { analytics: spinning }, { settings: { analytics: { timeoutMs: 800, concurrency: 2 } } });
    const spinningJob = await enqueueJob({
      queue: "analytics",
      name: "spin",
      data: { type: "abc-analysis", params: { startDate: "2026-01-01", endDate: "2026-01-31" } },
      owner,
    });
    if (!spinningJob.ok) throw new Error("enqueue failed");

    // The first attempt times out; a retry is scheduled with the reason recorded.
    const afterTimeout = await waitFor(async () => {
      const run = await runOf(spinningJob.jobId);
      return run?.failedReason ? run : null;
    }, 10_000);
    expect(afterTimeout.failedReason).toMatch(/timed out after 800 ms/);

    // The spinning thread was terminated, not left burning a core.
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(350);

    // The worker still serves other jobs.
    const other = await enqueueAnalytics();
    await waitFor(async () => (await runOf(other))?.state === "COMPLETED", 10_000);
    expect((await runOf(other))?.result).toMatchObject({ reportId: "42" });
    await queueManager().queue("analytics").remove(spinningJob.jobId).catch(() => {});
  });

  it("fails a job stuck in I/O at the timeout too", async () => {
    worker = await startTestWorker(
      ["analytics"],
      { analytics: { run: () => new Promise(() => {}) } },
      { settings: { analytics: { timeoutMs: 500 } } },
    );
    const jobId = await enqueueAnalytics();
    const run = await waitFor(async () => {
      const current = await runOf(jobId);
      return current?.failedReason ? current : null;
    });
    expect(run.failedReason).toContain("timed out");
  });
});

describe("shutdown and stalled jobs", () => {
  it("graceful shutdown lets the active job finish", async () => {
    let finished = 0;
    worker = await startTestWorker(["analytics"], {
      analytics: {
        async run() {
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          finished++;
          return documentedResult("analytics");
        },
      },
    });
    const jobId = await enqueueAnalytics();
    await waitFor(async () => (await runOf(jobId))?.state === "ACTIVE");
    await worker.stop(10_000);
    worker = undefined;
    expect(finished).toBe(1);
    // The completion is in the ledger by the time stop() returns, before connections close.
    expect((await runOf(jobId))?.state).toBe("COMPLETED");
    expect(await queueManager().jobView("analytics", jobId)).toMatchObject({ state: "completed" });
  });

  it("a shutdown that runs out of time stops the active job, and another worker finishes it", async () => {
    let attempts = 0;
    worker = await startTestWorker(
      ["analytics"],
      {
        analytics: {
          async run(_job, context) {
            attempts++;
            if (attempts === 1) await new Promise((_, reject) => context.signal.addEventListener("abort", () => reject(context.signal.reason)));
            return { ...documentedResult("analytics"), reportId: String(attempts) };
          },
        },
      },
      { lockDurationMs: 1_000, stalledIntervalMs: 500 },
    );
    const jobId = await enqueueAnalytics();
    await waitFor(async () => (await runOf(jobId))?.state === "ACTIVE");
    const started = Date.now();
    await worker.stop(500);
    worker = undefined;
    expect(Date.now() - started).toBeLessThan(3_000);

    worker = await startTestWorker(["analytics"], { analytics: { run: async () => ({ ...documentedResult("analytics"), reportId: "recovered" }) } }, { stalledIntervalMs: 500 });
    await waitFor(async () => (await runOf(jobId))?.state === "COMPLETED", 15_000);
    expect((await runOf(jobId))?.result).toEqual({ ...documentedResult("analytics"), reportId: "recovered" });
  });

  it("a stop during a restart waits for the drain and then stops", async () => {
    worker = await startTestWorker(["analytics"], { analytics: { run: async () => documentedResult("analytics") } });
    const restarting = worker.restart();
    await worker.stop(5_000);
    await restarting;
    expect(worker.queues).toEqual([]);
    worker = undefined;
  });

  it("a killed worker's job is recovered as stalled and completed exactly once", async () => {
    const jobId = await enqueueAnalytics();
    const child = spawn(process.execPath, ["--import", "tsx", "tests/fixtures/hanging-worker.ts"], {
      env: { ...process.env, HANG_QUEUE: "analytics" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    // The child takes the job and hangs; then it is killed without any chance to clean up.
    await waitFor(async () => (await runOf(jobId))?.state === "ACTIVE", 20_000);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));

    let runs = 0;
    worker = await startTestWorker(
      ["analytics"],
      { analytics: { run: async () => (runs++, documentedResult("analytics")) } },
      { stalledIntervalMs: 500 },
    );
    await waitFor(async () => (await runOf(jobId))?.state === "COMPLETED", 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(runs).toBe(1);
    const view = await queueManager().jobView("analytics", jobId);
    expect(view).toMatchObject({ state: "completed", returnValue: documentedResult("analytics") });
  });
});
