import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import * as metrics from "@/app/api/v1/metrics/route";
import * as queues from "@/app/api/v1/queues/route";
import { db } from "@/lib/db";
import { drainTime, oldestWaiting } from "@/lib/jobs/queue-overview";
import { recordJobOutcome } from "@/lib/metrics/job-metrics";
import { createRedis } from "@/lib/redis";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { invoke } from "./support";
import { documentedResult } from "../helpers/documented-jobs";

/** The overview's new figures and the metrics endpoint, against real Redis, PostgreSQL and a worker. */
let planner: TestUser;
let admin: TestUser;
const prefix = process.env.REDIS_PREFIX!;
const redis = createRedis("worker");

beforeAll(async () => {
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
});

afterAll(() => {
  redis.disconnect();
});

type Overview = { key: string } & Record<string, unknown>;
const overview = async () => {
  const response = await invoke(queues.GET, { auth: { apiKey: admin.apiKey } });
  expect(response.status, response.text).toBe(200);
  return Object.fromEntries((response.json.queues as Overview[]).map((queue) => [queue.key, queue])) as Record<string, Overview>;
};

const addExport = async (user: TestUser) => {
  const response = await invoke(jobs.POST, { method: "POST", params: { queueKey: "export" }, body: { name: "export-products", data: { entity: "products", format: "csv" } }, auth: { apiKey: user.apiKey } });
  expect(response.status, response.text).toBe(201);
  return response.json.jobId as string;
};

describe("GET /api/v1/queues", () => {
  it("counts jobs in, dates the oldest waiting job from the ledger and reports no drain without output", async () => {
    const first = await addExport(planner);
    await addExport(planner);
    await addExport(planner);
    const created = (await db().jobRun.findUniqueOrThrow({ where: { id: first } })).createdAt;
    const exportQueue = (await overview()).export!;
    expect(exportQueue.waiting).toBe(3);
    // 3 jobs added in the last 5 minutes: the rate is positive (exact maths is unit-tested).
    expect(exportQueue.inPerMinute as number).toBeGreaterThan(0);
    expect(exportQueue.outPerMinute).toBe(0);
    // The ledger is shared with other test files (their own Redis prefixes, one database): the
    // oldest waiting export run is ours or older. The exact probe is checked below.
    expect(Date.parse(exportQueue.oldestWaitingAt as string)).toBeLessThanOrEqual(created.getTime());
    expect(exportQueue.drainMs).toBeNull();
    expect(exportQueue.failureRate).toBeNull();
    expect(exportQueue).toMatchObject({ workers: 0, workerConcurrency: 0, globalConcurrency: null, globalRateLimit: null, processConcurrency: 2 });
  });

  it("keeps the fields the dashboard already used, and shows the catalogue's limiter as the rate limit in force", async () => {
    const sync = (await overview()).sync!;
    for (const field of ["queueName", "waiting", "active", "completed", "failed", "delayed", "prioritized", "isPaused", "total", "label", "description", "concurrency", "timeoutMs", "rateLimit", "workers"]) {
      expect(sync).toHaveProperty(field);
    }
    expect(sync.rateLimit).toEqual({ max: 10, durationMs: 1000 });
    expect(sync.effectiveRateLimit).toEqual({ max: 10, durationMs: 1000 });
    expect((await overview()).import!.oldestWaitingAt).toBeNull();
  });

  it("reports out-rate, failure rate and drain time from the workers' outcomes", async () => {
    const now = Date.now();
    for (let index = 0; index < 6; index++) await recordJobOutcome(redis, prefix, { queue: "analytics", status: "completed", final: true, waitMs: 10, runMs: 10, at: now });
    await recordJobOutcome(redis, prefix, { queue: "analytics", status: "failed", final: true, waitMs: 10, runMs: 10, at: now });
    await recordJobOutcome(redis, prefix, { queue: "analytics", status: "failed", final: false, waitMs: 10, runMs: 10, at: now });
    const analytics = (await overview()).analytics!;
    expect(analytics.outPerMinute as number).toBeGreaterThan(0);
    expect(analytics.failureRate).toBeCloseTo(1 / 7, 4);
    expect(analytics).toMatchObject({ completedLastHour: 6, failedLastHour: 1 });
  });
});

describe("oldestWaiting", () => {
  it("answers the creation time of the oldest WAITING run per queue, ignoring other states", async () => {
    const oldest = new Date(Date.UTC(2001, 0, 1));
    const id = `oldest-${Date.now()}`;
    await db().jobRun.createMany({
      data: [
        { id, queue: "analytics", name: "old", state: "WAITING", data: {}, createdAt: oldest },
        { id: `${id}-done`, queue: "analytics", name: "older but finished", state: "COMPLETED", data: {}, createdAt: new Date(Date.UTC(2000, 0, 1)) },
      ],
    });
    try {
      expect((await oldestWaiting(db())).analytics).toEqual(oldest);
    } finally {
      await db().jobRun.deleteMany({ where: { id: { startsWith: id } } });
    }
  });
});

describe("drainTime", () => {
  it("is backlog over out-rate, zero without backlog and null when nothing comes out", () => {
    expect(drainTime(120, 4)).toBe(30 * 60_000);
    expect(drainTime(0, 0)).toBe(0);
    expect(drainTime(5, 0)).toBeNull();
  });
});

describe("GET /api/v1/metrics", () => {
  it("answers 401 without credentials and 403 to a planner", async () => {
    expect((await invoke(metrics.GET, { path: "/api/v1/metrics" })).status).toBe(401);
    expect((await invoke(metrics.GET, { path: "/api/v1/metrics", auth: { apiKey: planner.apiKey } })).status).toBe(403);
  });

  it("names the bad query parameter", async () => {
    const badQueue = await invoke(metrics.GET, { path: "/api/v1/metrics?queue=nope", auth: { apiKey: admin.apiKey } });
    expect(badQueue.status).toBe(422);
    expect(badQueue.json.error.message).toContain("query.queue");
    const badRange = await invoke(metrics.GET, { path: "/api/v1/metrics?range=month", auth: { apiKey: admin.apiKey } });
    expect(badRange.status).toBe(422);
    expect(badRange.json.error.message).toMatch(/query\.range: must be one of hour, day, week/);
  });

  it("shows a job processed by a worker in the series", async () => {
    const worker = await startTestWorker(["notification"], { notification: { run: async () => documentedResult("notification") } });
    try {
      const response = await invoke(jobs.POST, {
        method: "POST",
        params: { queueKey: "notification" },
        body: { name: "notify", data: { userId: admin.id, type: "IN_APP", title: "t", message: "b" } },
        auth: { apiKey: admin.apiKey },
      });
      expect(response.status, response.text).toBe(201);
      const series = await waitFor(async () => {
        const result = await invoke(metrics.GET, { path: "/api/v1/metrics?queue=notification&range=hour", auth: { apiKey: admin.apiKey } });
        return result.json.totals.completed >= 1 ? result.json : null;
      });
      expect(series.points).toHaveLength(60);
      expect(series.totals).toMatchObject({ added: 1, completed: 1, failed: 0 });
      expect(series.totals.runP50).not.toBeNull();
      expect(series.totals.waitP50).not.toBeNull();
    } finally {
      await worker.stop();
    }
  }, 30_000);
});
