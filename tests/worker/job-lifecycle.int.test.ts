import { UnrecoverableError } from "bullmq";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { queueManager } from "@/lib/jobs/queue-manager";
import { listRecentRuns } from "@/lib/jobs/job-status";
import { retryJob } from "@/lib/jobs/retry-job";
import type { Principal } from "@/lib/auth/principal";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { documentedResult } from "../helpers/documented-jobs";

let owner: Principal;
let worker: WorkerManager | undefined;

beforeAll(async () => {
  owner = (await createTestUser("ADMIN")).principal;
});

afterEach(async () => {
  await worker?.stop(5_000);
  worker = undefined;
  await queueManager().queue("export").obliterate({ force: true });
});

async function enqueueExport(options: { priority?: number; name?: string } = {}) {
  const result = await enqueueJob({
    queue: "export",
    name: options.name ?? "export-test",
    data: { entity: "products", format: "csv" },
    priority: options.priority,
    owner,
  });
  if (!result.ok) throw new Error(`enqueue failed: ${result.code}`);
  return result.jobId;
}

describe("retries and the failed list", () => {
  it("retries with exponential backoff (2 s, 4 s), then fails into the failed list; retry from there completes", async () => {
    const attemptsAt: number[] = [];
    let succeed = false;
    worker = await startTestWorker(["export"], {
      export: {
        async run(job) {
          // BullMQ's own activation stamp: a loaded machine delaying this callback does not skew gaps.
          attemptsAt.push(job.processedOn);
          if (!succeed) throw new Error("warehouse API said 500");
          return documentedResult("export");
        },
      },
    });
    const jobId = await enqueueExport();

    const failed = await waitFor(async () => (await db().jobRun.findUnique({ where: { id: jobId } }))?.state === "FAILED", 20_000);
    expect(failed).toBe(true);
    expect(attemptsAt).toHaveLength(3);
    const gaps = [attemptsAt[1]! - attemptsAt[0]!, attemptsAt[2]! - attemptsAt[1]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(1_900);
    expect(gaps[0]).toBeLessThan(3_500);
    expect(gaps[1]).toBeGreaterThanOrEqual(3_900);
    expect(gaps[1]).toBeLessThan(6_000);

    const run = await db().jobRun.findUniqueOrThrow({ where: { id: jobId } });
    expect(run.attempts).toBe(3);
    expect(run.failedReason).toBe("warehouse API said 500");
    const { total, jobs } = await queueManager().failedJobs("export", 0, 10);
    expect(total).toBe(1);
    expect(jobs[0]).toMatchObject({ id: jobId, failedReason: "warehouse API said 500", attemptsMade: 3 });
    expect(jobs[0]!.stacktrace.length).toBeGreaterThan(0);

    succeed = true;
    expect(await retryJob("export", jobId, owner)).toEqual({ ok: true });
    await waitFor(async () => (await db().jobRun.findUnique({ where: { id: jobId } }))?.state === "COMPLETED");
    const completed = await db().jobRun.findUniqueOrThrow({ where: { id: jobId } });
    expect(completed.result).toEqual(documentedResult("export"));
    expect(completed.failedReason).toBeNull();
  });

  it("two simultaneous retries run the job once and leave the ledger right", async () => {
    let runs = 0;
    worker = await startTestWorker(["export"], {
      export: {
        async run() {
          runs++;
          if (runs === 1) throw new UnrecoverableError("bad file");
          return documentedResult("export");
        },
      },
    });
    const jobId = await enqueueExport();
    await waitFor(async () => (await db().jobRun.findUnique({ where: { id: jobId } }))?.state === "FAILED");
    const outcomes = await Promise.all([retryJob("export", jobId, owner), retryJob("export", jobId, owner)]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.find((outcome) => !outcome.ok)).toMatchObject({ code: "job-not-failed" });
    await waitFor(async () => (await db().jobRun.findUnique({ where: { id: jobId } }))?.state === "COMPLETED");
    expect(runs).toBe(2);
  });

  it("does not retry a job that is not failed", async () => {
    const jobId = await enqueueExport();
    expect(await retryJob("export", jobId, owner)).toEqual({ ok: false, code: "job-not-failed", state: "waiting" });
  });
});

describe("recent runs", () => {
  it("show the live progress of active jobs", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    worker = await startTestWorker(["export"], {
      export: {
        async run(_job, context) {
          await context.progress(40, "Writing rows");
          await released;
          return documentedResult("export");
        },
      },
    });
    const jobId = await enqueueExport();
    const active = await waitFor(async () => {
      const runs = await listRecentRuns({ ownerId: owner.id, queue: "export" });
      const run = runs.find((candidate) => candidate.id === jobId);
      return run?.progress === 40 ? run : null;
    });
    expect(active).toMatchObject({ state: "active", progressMessage: "Writing rows", source: "ledger" });
    release();
    await waitFor(async () => (await listRecentRuns({ ownerId: owner.id, queue: "export" })).find((run) => run.id === jobId)?.state === "completed");
  });
});

describe("ordering and queue control", () => {
  it("processes higher priority (lower number) first; a job without one counts as priority 5", async () => {
    await queueManager().pause("export");
    const low = await enqueueExport({ priority: 10, name: "low" });
    const normal = await enqueueExport({ name: "no priority" });
    const high = await enqueueExport({ priority: 1, name: "high" });
    const middle = await enqueueExport({ priority: 4, name: "middle" });
    expect(await queueManager().stats("export")).toMatchObject({ waiting: 4, prioritized: 4, total: 4 });
    expect((await queueManager().jobView("export", normal))?.state).toBe("waiting");
    const order: string[] = [];
    worker = await startTestWorker(["export"], { export: { run: async (job) => (order.push(job.id), documentedResult("export")) } }, { settings: { export: { concurrency: 1 } } });
    await queueManager().resume("export");
    await waitFor(() => order.length === 4);
    expect(order).toEqual([high, middle, normal, low]);
  });

  it("a paused queue holds its jobs until resumed", async () => {
    const processed: string[] = [];
    worker = await startTestWorker(["export"], { export: { run: async (job) => (processed.push(job.id), documentedResult("export")) } });
    await queueManager().pause("export");
    const jobId = await enqueueExport();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(processed).toEqual([]);
    expect((await queueManager().stats("export")).isPaused).toBe(true);
    await queueManager().resume("export");
    await waitFor(() => processed.includes(jobId));
    expect((await queueManager().stats("export")).isPaused).toBe(false);
  });

  it("clean removes completed jobs past the grace period, up to the limit", async () => {
    worker = await startTestWorker(["export"], { export: { run: async () => documentedResult("export") } });
    const ids = [await enqueueExport(), await enqueueExport(), await enqueueExport()];
    await waitFor(async () => (await queueManager().stats("export")).completed === 3);
    expect(await queueManager().clean("export", 60_000, 10, "completed")).toEqual([]);
    const removed = await queueManager().clean("export", 0, 2, "completed");
    expect(removed).toHaveLength(2);
    expect(ids).toEqual(expect.arrayContaining(removed));
    expect((await queueManager().stats("export")).completed).toBe(1);
    // The ledger keeps the history that Redis no longer holds.
    expect(await db().jobRun.count({ where: { id: { in: ids }, state: "COMPLETED" } })).toBe(3);
  });
});
