import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { catalog, type JobResult } from "@/lib/jobs/catalog";
import { queueManager } from "@/lib/jobs/queue-manager";
import { eventStreamKey, parseStreamEntry } from "@/lib/realtime/events";
import { createRedis } from "@/lib/redis";
import { processors } from "@/worker/processors";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestOrganization, createTestProduct, createTestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";

let owner: Principal;
let worker: WorkerManager;

beforeAll(async () => {
  owner = (await createTestUser("PLANNER")).principal;
  worker = await startTestWorker(["forecast"], processors);
});

afterAll(async () => {
  await worker.stop(5_000);
});

async function launch(productId: string, horizon = 30, models: ["all"] | ("ma" | "linear" | "exp" | "seasonal")[] = ["all"]) {
  const result = await enqueueJob({ queue: "forecast", name: "forecast", data: { productId, horizon, models }, owner });
  if (!result.ok) throw new Error(result.code);
  return result.jobId;
}

const runOf = (id: string) => db().jobRun.findUnique({ where: { id } });

describe("forecast processor", () => {
  it("forecasts a product end to end: progress steps, ledger, forecast rows, result", async () => {
    const product = await createTestProduct(730);
    const jobId = await launch(product.id, 30);
    await waitFor(async () => (await runOf(jobId))?.state === "COMPLETED", 30_000);

    const run = await runOf(jobId);
    const result = run!.result as JobResult<"forecast">;
    // The documented contract: accuracy is the ensemble's MAPE, predictions the number of points.
    expect(result).toMatchObject({ success: true, productId: product.id, horizon: 30, predictions: 30 });
    expect(result.accuracy).toBeGreaterThan(0);
    expect(Object.keys(result.modelAccuracy).sort()).toEqual(expect.arrayContaining(["exp", "linear", "ma"]));
    expect(catalog.forecast.result.safeParse(result).success).toBe(true);

    const forecast = await db().forecast.findUniqueOrThrow({
      where: { id: result.forecastId },
      include: { points: true, modelResults: true },
    });
    expect(forecast.jobId).toBe(jobId);
    expect(forecast.points).toHaveLength(30);
    expect(forecast.modelResults.length).toBeGreaterThanOrEqual(3);
    expect(forecast.seasonLength).toBe(7);

    // Progress reached the owner's event stream at exactly the documented steps, then completion.
    // The completion event follows the ledger write (and the owner's notification), so wait for it.
    const redis = createRedis("producer");
    const events = await waitFor(async () => {
      const entries = (await redis.xrange(eventStreamKey(env().REDIS_PREFIX), "-", "+")) as [string, string[]][];
      const mine = entries.map(parseStreamEntry).filter((event) => event?.jobId === jobId);
      return mine.some((event) => event?.event === "job:complete") && mine;
    });
    redis.disconnect();
    const progress = events.filter((event) => event!.event === "job:progress").map((event) => [event!.progress, event!.message]);
    expect(progress).toEqual([
      [10, "Loading historical data"],
      [20, "Preprocessing data"],
      [30, "Running forecast models"],
      [60, "Calculating ensemble"],
      [80, "Calculating accuracy"],
      [90, "Saving results"],
      [100, "Complete"],
    ]);
    // The completion carries the catalogue's summary of the result, not the result itself.
    const complete = events.at(-1)!;
    expect(complete).toMatchObject({ event: "job:complete", ownerId: owner.id, type: "forecast", progress: 100 });
    expect(complete.summary).toEqual({ forecastId: result.forecastId, accuracy: result.accuracy, predictions: 30 });
    expect(complete).not.toHaveProperty("result");
  });

  it("re-running the same job replaces its forecast instead of adding one", async () => {
    const product = await createTestProduct(400, 11);
    const jobId = await launch(product.id, 14, ["ma", "linear"]);
    await waitFor(async () => (await runOf(jobId))?.state === "COMPLETED", 30_000);
    const first = await db().forecast.findUniqueOrThrow({ where: { jobId } });

    // A retry of a completed job is not possible through the API; re-running the processor on the
    // same job simulates a stalled job being processed a second time.
    const job = await queueManager().getJob("forecast", jobId);
    await job!.moveToFailed(new Error("simulated"), "0", false).catch(() => {});
    await job!.retry("failed").catch(() => job!.retry("completed"));
    await waitFor(async () => {
      const forecasts = await db().forecast.findMany({ where: { jobId } });
      return forecasts.length === 1 && forecasts[0]!.id !== first.id;
    }, 30_000);
    expect(await db().forecast.count({ where: { productId: product.id } })).toBe(1);
  });

  it("fails at once, without retries, when the product has too little history", async () => {
    const product = await createTestProduct(5, 3);
    const jobId = await launch(product.id, 7);
    const run = await waitFor(async () => {
      const current = await runOf(jobId);
      return current?.state === "FAILED" ? current : null;
    }, 15_000);
    expect(run.attempts).toBe(1);
    expect(run.failedReason).toMatch(/has 5 days of sales history; a forecast needs at least \d+/);
  });

  it("fails without retries when the product no longer exists", async () => {
    // Deleted after the launch (which refuses a product that does not exist) and before a worker
    // picks the job up: the queue is paused in between.
    const product = await createTestProduct(0, 4);
    const queue = queueManager().queue("forecast");
    await queue.pause();
    let jobId: string;
    try {
      jobId = await launch(product.id, 7);
      await db().product.delete({ where: { id: product.id } });
    } finally {
      await queue.resume();
    }
    const run = await waitFor(async () => {
      const current = await runOf(jobId);
      return current?.state === "FAILED" ? current : null;
    }, 15_000);
    expect(run.failedReason).toBe(`Product ${product.id} does not exist`);
    expect(run.attempts).toBe(1);
  });

  it("refuses another organisation's product as if it did not exist, and writes no forecast", async () => {
    // The API refuses such a launch already; this job comes from another producer (raw BullMQ),
    // so the worker's own check is what keeps the organisations apart.
    const elsewhere = await createTestOrganization("Elsewhere");
    const product = await createTestProduct(730, 5, { organizationId: elsewhere.id });
    const data = { productId: product.id, horizon: 7, ownerId: owner.id, organizationId: owner.organizationId };
    const job = await queueManager().queue("forecast").add("forecast", data, { attempts: 3 });
    const failed = await waitFor(async () => {
      const view = await queueManager().jobView("forecast", job.id!);
      return view?.state === "failed" ? view : null;
    }, 15_000);
    expect(failed).toMatchObject({ failedReason: `Product ${product.id} does not exist`, attemptsMade: 1 });
    expect(await db().forecast.count({ where: { productId: product.id } })).toBe(0);
  });
});
