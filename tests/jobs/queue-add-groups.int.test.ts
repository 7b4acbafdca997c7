import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "@/lib/env";
import { QueueManager } from "@/lib/jobs/queue-manager";
import { createRedis, type RedisClient } from "@/lib/redis";

/**
 * Single adds made in the same turn go to Redis as one addBulk; each caller still gets its own
 * job, and a group that fails is tried add by add, so one bad add fails alone.
 */
let connection: RedisClient;
let queues: QueueManager;

beforeAll(async () => {
  connection = createRedis("producer", env().REDIS_URL);
  queues = new QueueManager({ connection, prefix: env().REDIS_PREFIX });
  await queues.queue("notification").waitUntilReady();
});

afterAll(async () => {
  await queues.queue("notification").obliterate({ force: true });
  await queues.close();
  connection.disconnect();
});

const add = (jobId: string) => queues.addJob("notification", "grouped", { userId: "u", title: jobId }, { jobId });

describe("QueueManager.addJob under load", () => {
  it("adds made together are one addBulk, each answered with its own job", async () => {
    const queue = queues.queue("notification");
    const bulk = vi.spyOn(queue, "addBulk");
    const single = vi.spyOn(queue, "add");
    const ids = Array.from({ length: 12 }, () => randomUUID());
    const jobs = await Promise.all(ids.map(add));
    expect(jobs.map((job) => job.id)).toEqual(ids);
    expect(bulk).toHaveBeenCalledTimes(1);
    expect(single).not.toHaveBeenCalled();
    expect([...(await queues.existingJobIds("notification", ids))].sort()).toEqual([...ids].sort());
    bulk.mockRestore();
    single.mockRestore();
  });

  it("an add alone goes through Queue.add", async () => {
    const queue = queues.queue("notification");
    const bulk = vi.spyOn(queue, "addBulk");
    const id = randomUUID();
    expect((await add(id)).id).toBe(id);
    expect(bulk).not.toHaveBeenCalled();
    bulk.mockRestore();
  });

  it("a group with a bad add: that add fails alone, the others are added once", async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    // BullMQ refuses this id, so the group's addBulk fails as a whole.
    const outcomes = await Promise.allSettled([...ids.slice(0, 2), "0:bad", ...ids.slice(2)].map(add));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    expect([...(await queues.existingJobIds("notification", ids))].sort()).toEqual([...ids].sort());
  });

  it("an add of a job Redis already holds (a group tried again add by add) finds that job, not a second one", async () => {
    const queue = queues.queue("notification");
    const id = randomUUID();
    await add(id);
    const again = await Promise.all([add(id), add(randomUUID())]);
    expect(again[0]!.id).toBe(id);
    expect(await queue.getJobCountByTypes("prioritized", "waiting")).toBeGreaterThan(0);
    expect((await queue.getJobs(["prioritized", "waiting"])).filter((job) => job.id === id)).toHaveLength(1);
  });
});
