import { afterAll, afterEach, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { listWorkers, requestWorkerRestart, workersKey } from "@/lib/jobs/worker-registry";
import { createRedis } from "@/lib/redis";
import type { WorkerManager } from "@/worker/worker-manager";
import { startTestWorker, waitFor } from "../helpers/worker";
import { documentedResult } from "../helpers/documented-jobs";

let worker: WorkerManager | undefined;
const redis = createRedis("producer");

afterEach(async () => {
  await worker?.stop(5_000);
  worker = undefined;
});

afterAll(() => redis.disconnect());

describe("worker heartbeats", () => {
  it("a running worker reports host, pid, queues, concurrency and counts; a stopped one disappears", async () => {
    let done = 0;
    worker = await startTestWorker(["export", "analytics"], { export: { run: async () => (done++, documentedResult("export")) }, analytics: null }, { heartbeatIntervalMs: 200 });
    const [beat] = await listWorkers(redis, env().REDIS_PREFIX);
    expect(beat).toMatchObject({ pid: process.pid, queues: ["export"], concurrency: { export: 2 }, status: "running", jobsProcessed: 0 });
    expect(Date.parse(beat!.startedAt)).toBeLessThanOrEqual(Date.now());

    await worker.stop(5_000);
    worker = undefined;
    expect(await listWorkers(redis, env().REDIS_PREFIX)).toEqual([]);
    expect(done).toBe(0);
  });

  it("a worker that dies without stopping drops out after its heartbeat expires", async () => {
    const prefix = env().REDIS_PREFIX;
    const beat = {
      id: "ghost:1:1",
      host: "ghost",
      pid: 1,
      queues: ["forecast"],
      concurrency: { forecast: 3 },
      startedAt: new Date().toISOString(),
      lastHeartbeat: new Date().toISOString(),
      jobsProcessed: 0,
      jobsFailed: 0,
      activeJobs: 0,
      status: "running",
    };
    await redis.multi().set(`${workersKey(prefix)}:${beat.id}`, JSON.stringify(beat), "PX", 300).zadd(workersKey(prefix), String(Date.now()), beat.id).exec();
    expect((await listWorkers(redis, prefix)).map((w) => w.id)).toContain("ghost:1:1");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await listWorkers(redis, prefix)).map((w) => w.id)).not.toContain("ghost:1:1");
    expect(await redis.zscore(workersKey(prefix), beat.id)).toBeNull();
  });

  it("workers:restart makes every worker drain its active job and start again", async () => {
    let finished = 0;
    worker = await startTestWorker(["export"], {
      export: {
        async run() {
          await new Promise((resolve) => setTimeout(resolve, 800));
          finished++;
          return documentedResult("export");
        },
      },
    });
    const before = worker.getWorker("export");
    const queue = (await import("@/lib/jobs/queue-manager")).queueManager();
    await queue.addJob("export", "slow", { entity: "products", format: "csv" }, { jobId: "restart-1" });
    await waitFor(async () => (await queue.jobView("export", "restart-1"))?.state === "active");

    expect(await requestWorkerRestart(redis, env().REDIS_PREFIX)).toBe(1);
    await waitFor(() => worker!.getWorker("export") !== before && worker!.getWorker("export") !== undefined);
    expect(finished).toBe(1);
    expect((await queue.jobView("export", "restart-1"))?.state).toBe("completed");

    // The fresh worker takes new jobs.
    await queue.addJob("export", "after", { entity: "products", format: "csv" }, { jobId: "restart-2" });
    await waitFor(async () => (await queue.jobView("export", "restart-2"))?.state === "completed");
  });
});
