import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as alertsRoute from "@/app/api/v1/alerts/route";
import * as bulkActionsRoute from "@/app/api/v1/bulk-actions/route";
import * as failedRoute from "@/app/api/v1/queues/[queueKey]/failed/route";
import * as cancelRoute from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/cancel/route";
import * as retryRoute from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/retry/route";
import * as jobsRoute from "@/app/api/v1/queues/[queueKey]/jobs/route";
import * as queuesRoute from "@/app/api/v1/queues/route";
import * as forecastsRoute from "@/app/api/v1/forecasts/route";
import * as redisHealthRoute from "@/app/api/v1/health/redis/route";
import * as metricsRoute from "@/app/api/v1/metrics/route";
import * as workersRoute from "@/app/api/v1/workers/status/route";
import { beginSignInAttempt, SIGN_IN_LIMITS } from "@/lib/auth/sign-in-throttle";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { requestWorkerRestart } from "@/lib/jobs/worker-registry";
import { createRedis, dataNodes, deleteKeysByPrefix, isCluster, sharedRedis } from "@/lib/redis";
import { checkRedis } from "@/scripts/services.mjs";
import type { Processor } from "@/worker/processor";
import { processors } from "@/worker/processors";
import { MaintenanceWorker } from "@/worker/maintenance/maintenance-worker";
import type { WorkerManager } from "@/worker/worker-manager";
import { DOCUMENTED_DATA, documentedResult } from "../helpers/documented-jobs";
import { call, createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { openStream, type OpenStream } from "../realtime/sse-client";
import { startTestWorker, waitFor } from "../helpers/worker";

/**
 * The whole life of jobs on a three-node Redis Cluster (tests/cluster/global-setup.ts starts it;
 * this project sets REDIS_CLUSTER_NODES): the real route handlers and the real worker manager,
 * with the test file's hash-tagged prefix. Everything the app keeps in Redis — BullMQ's keys, the
 * event stream, heartbeats, metrics buckets, idempotency, throttle and cancel keys — must work
 * through cluster clients, and a cluster refuses multi-key commands across slots (CROSSSLOT), so
 * a key outside the prefix's hash tag would fail here rather than in production.
 */
const prefix = process.env.REDIS_PREFIX!;
let planner: TestUser;
let admin: TestUser;
let worker: WorkerManager;
let maintenance: MaintenanceWorker;
let stream: OpenStream;

/** Export attempts fail until this is set: the retry path. */
let exportSucceeds = false;
const exportAttempts = new Map<string, number>();
const flakyExport: Processor<"export"> = {
  async run(job) {
    exportAttempts.set(job.id, job.attempt);
    if (!exportSucceeds) throw new Error("warehouse API said 500");
    return documentedResult("export");
  },
};

/** Analytics runs until cancelled: the cancel path. */
const started = new Set<string>();
const untilCancelled: Processor<"analytics"> = {
  async run(job, context) {
    await context.progress(10, "Working");
    started.add(job.id);
    await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
    throw new Error("stopped");
  },
};

/** Every key on one node matching `pattern` (SCAN to the end). */
async function keysOn(node: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  return keys;
}

const eventsOf = (jobId: string) => stream.events.filter((frame) => frame.data?.jobId === jobId);
const ledger = (jobId: string) => db().jobRun.findUnique({ where: { id: jobId } });

async function enqueue(user: TestUser, queue: string, data: unknown, headers: Record<string, string> = {}) {
  const response = await call(jobsRoute.POST, {
    method: "POST",
    path: `/api/v1/queues/${queue}/jobs`,
    params: { queueKey: queue },
    body: { name: `${queue}-on-cluster`, data },
    auth: { apiKey: user.apiKey },
    headers,
  });
  expect(response.status, response.text).toBeLessThan(300);
  return response.json as { jobId: string; deduplicated: boolean };
}

beforeAll(async () => {
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
  worker = await startTestWorker(
    ["forecast", "export", "analytics", "sync"],
    { forecast: processors.forecast, export: flakyExport, analytics: untilCancelled, sync: { run: async (job) => ({ ...documentedResult("sync"), integrationId: job.data.integrationId }) } },
    // One forecast thread: the machine running the tests is small.
    { settings: { forecast: { concurrency: 1 } } },
  );
  // Bulk retries and the alert evaluation run here, as in `npm run worker`.
  maintenance = new MaintenanceWorker({
    db: db(),
    createConnection: () => createRedis("worker"),
    prefix,
    logger: pino({ level: "silent" }),
    backfillFingerprints: false,
    alerts: { everyMs: 500 },
    retention: false,
  });
  await maintenance.start();
  stream = await openStream({ apiKey: planner.apiKey });
  await stream.until((open) => open.connected);
});

afterAll(async () => {
  await stream?.close().catch(() => {});
  await Promise.all([worker?.stop(5_000), maintenance?.stop()]);
});

describe("on a 3-node Redis Cluster", () => {
  it("the app's clients are cluster clients, and the cluster refuses keys across slots", async () => {
    const redis = sharedRedis();
    expect(isCluster(redis)).toBe(true);
    expect(env().REDIS_CLUSTER_NODES?.nodes).toHaveLength(3);
    expect(await dataNodes(redis)).toHaveLength(3);
    // The worker's start-up check accepts it (all slots served).
    await expect(checkRedis(env().REDIS_CLUSTER_NODES!)).resolves.toBeUndefined();
    // What the hash tag prevents: these two keys hash to different slots, so one command cannot touch both.
    await expect(redis.mget(`${randomUUID()}:a`, `${randomUUID()}:b`, `${randomUUID()}:c`)).rejects.toThrow(/CROSSSLOT/);
    // And what it means for BullMQ: the same queue without the braces cannot even take a job.
    const untagged = new Queue("export-queue", { connection: redis, prefix: `untagged-${randomUUID()}` });
    untagged.on("error", () => {});
    await expect(untagged.add("export", DOCUMENTED_DATA.export)).rejects.toThrow(/CROSSSLOT/);
    await untagged.close();
    expect(prefix).toMatch(/^\{[^}]+\}/);
  });

  it("runs a forecast launched through POST /api/v1/forecasts and streams its progress over SSE", async () => {
    const product = await createTestProduct(730);
    const response = await call(forecastsRoute.POST, {
      method: "POST",
      path: "/api/v1/forecasts",
      body: { productId: product.id, horizon: 30, models: ["all"] },
      auth: { apiKey: planner.apiKey },
    });
    expect(response.status, response.text).toBe(201);
    const { jobId } = response.json as { jobId: string };

    await stream.until(() => eventsOf(jobId).some((frame) => frame.event === "job:complete"), 40_000);
    const progress = eventsOf(jobId)
      .filter((frame) => frame.event === "job:progress")
      .map((frame) => frame.data.progress);
    expect(progress).toEqual([10, 20, 30, 60, 80, 90, 100]);
    const complete = eventsOf(jobId).find((frame) => frame.event === "job:complete")!;
    expect(complete.data).toMatchObject({ jobId, type: "forecast", progress: 100, summary: { predictions: 30 } });
    const run = await ledger(jobId);
    expect(run).toMatchObject({ state: "COMPLETED", attempts: 1 });
    expect(await db().forecast.count({ where: { jobId } })).toBe(1);
  });

  it("retries failing jobs with backoff into the failed list; a retry through the API and a bulk retry in the maintenance worker complete them", async () => {
    const [one, two] = await Promise.all([enqueue(planner, "export", DOCUMENTED_DATA.export), enqueue(planner, "export", DOCUMENTED_DATA.export)]);
    const jobIds = [one.jobId, two.jobId];
    await waitFor(async () => (await Promise.all(jobIds.map(ledger))).every((run) => run?.state === "FAILED"), 30_000);
    for (const jobId of jobIds) {
      expect(exportAttempts.get(jobId)).toBe(3);
      await stream.until(() => eventsOf(jobId).some((frame) => frame.event === "job:failed"));
      expect(eventsOf(jobId).find((frame) => frame.event === "job:failed")!.data).toMatchObject({ failedReason: "warehouse API said 500", attemptsMade: 3 });
    }

    const failed = await call(failedRoute.GET, { path: "/api/v1/queues/export/failed", params: { queueKey: "export" }, auth: { apiKey: admin.apiKey } });
    expect(failed.status).toBe(200);
    expect(failed.json.total).toBe(2);
    expect(failed.json.jobs.map((job: { id: string }) => job.id).sort()).toEqual([...jobIds].sort());
    expect(failed.json.jobs[0]).toMatchObject({ failedReason: "warehouse API said 500", attemptsMade: 3 });

    exportSucceeds = true;
    const retried = await call(retryRoute.POST, {
      method: "POST",
      path: `/api/v1/queues/export/jobs/${one.jobId}/retry`,
      params: { queueKey: "export", jobId: one.jobId },
      auth: { apiKey: planner.apiKey },
    });
    expect(retried.status, retried.text).toBe(200);
    const bulk = await call(bulkActionsRoute.POST, {
      method: "POST",
      path: "/api/v1/bulk-actions",
      body: { action: "retry", target: { jobIds: [two.jobId] } },
      auth: { apiKey: admin.apiKey },
    });
    expect(bulk.status, bulk.text).toBe(202);
    // The bulk retry goes through the maintenance worker's queue: on a loaded CI machine (the app
    // project's files run beside this one) it took longer than 15 s.
    for (const jobId of jobIds) await stream.until(() => eventsOf(jobId).some((frame) => frame.event === "job:complete"), 60_000);
    await waitFor(async () => (await Promise.all(jobIds.map(ledger))).every((run) => run?.state === "COMPLETED"), 30_000);
  }, 120_000);

  it("cancels a running job through the API: the worker holding it stops it, without a retry", async () => {
    const { jobId } = await enqueue(planner, "analytics", DOCUMENTED_DATA.analytics);
    await waitFor(() => started.has(jobId));
    const cancelled = await call(cancelRoute.POST, {
      method: "POST",
      path: `/api/v1/queues/analytics/jobs/${jobId}/cancel`,
      params: { queueKey: "analytics", jobId },
      auth: { apiKey: planner.apiKey },
    });
    expect(cancelled.json).toEqual({ jobId, state: "cancelling" });
    await waitFor(async () => (await ledger(jobId))?.state === "CANCELLED", 10_000);
    expect(await ledger(jobId)).toMatchObject({ attempts: 1, failedReason: expect.stringMatching(/^Cancelled by /) });
    await stream.until(() => eventsOf(jobId).some((frame) => frame.event === "job:failed"));
    // The cancel key is cleared once the worker has recorded the cancellation.
    await waitFor(async () => (await sharedRedis().exists(`${prefix}:cancel:${jobId}`)) === 0);
  });

  it("keeps idempotency keys, the queues' rate limit and the sign-in throttle in the prefix's slot", async () => {
    const key = `cluster-${randomUUID()}`;
    const first = await enqueue(planner, "export", DOCUMENTED_DATA.export, { "idempotency-key": key });
    const again = await enqueue(planner, "export", DOCUMENTED_DATA.export, { "idempotency-key": key });
    expect(first.deduplicated).toBe(false);
    expect(again).toMatchObject({ jobId: first.jobId, deduplicated: true });

    // sync has a BullMQ rate limit (its limiter key lives under the prefix too).
    const syncs = await Promise.all(["erp-a", "erp-b", "erp-c"].map((integrationId) => enqueue(admin, "sync", { ...DOCUMENTED_DATA.sync, integrationId })));
    await waitFor(async () => (await Promise.all(syncs.map(({ jobId }) => ledger(jobId)))).every((run) => run?.state === "COMPLETED"), 15_000);

    const attempt = { email: `${randomUUID()}@test.local`, address: "192.0.2.7" };
    for (let count = 0; count < SIGN_IN_LIMITS.account.max; count++) expect(await beginSignInAttempt(attempt)).toBeNull();
    expect(await beginSignInAttempt(attempt)).toBeGreaterThan(0);
  });

  it("reports heartbeats, metrics, queue figures, alerts and the cluster's Redis figures", async () => {
    const status = await call(workersRoute.GET, { path: "/api/v1/workers/status", auth: { apiKey: admin.apiKey } });
    expect(status.json.workers).toEqual([expect.objectContaining({ id: worker.id, queues: ["forecast", "export", "analytics", "sync"], status: "running" })]);
    expect(status.json.workers[0].jobsProcessed).toBeGreaterThan(0);

    const metrics = await call(metricsRoute.GET, { path: "/api/v1/metrics?queue=export&range=hour", auth: { apiKey: admin.apiKey } });
    expect(metrics.status).toBe(200);
    // Two jobs failed for good, then they and the idempotent one completed.
    expect(metrics.json.totals).toMatchObject({ added: 3, completed: 3, failed: 2 });

    const overview = await call(queuesRoute.GET, { path: "/api/v1/queues", auth: { apiKey: admin.apiKey } });
    const exportQueue = overview.json.queues.find((queue: { key: string }) => queue.key === "export");
    expect(exportQueue).toMatchObject({ workers: 1, completed: 3, failed: 0 });

    // The maintenance worker's alert evaluation (a job scheduler under the prefix) has run.
    await waitFor(async () => (await call(alertsRoute.GET, { path: "/api/v1/alerts", auth: { apiKey: admin.apiKey } })).json.evaluatedAt);

    // Redis figures are the masters' together: the keys of this prefix sit on one of them.
    const health = await call(redisHealthRoute.GET, { path: "/api/v1/health/redis", auth: { apiKey: admin.apiKey } });
    expect(health.json.health.healthy).toBe(true);
    const perNode = await Promise.all((await dataNodes(sharedRedis())).map((node) => node.dbsize()));
    expect(health.json.stats.dbSize).toBeGreaterThanOrEqual(Math.max(...perNode));
    expect(perNode.filter((count) => count > 0).length).toBeGreaterThanOrEqual(1);
  });

  it("holds every key of the prefix in one slot, and removes keys spread over every node", async () => {
    const nodes = await dataNodes(sharedRedis());
    const found = await Promise.all(nodes.map((node) => keysOn(node, `${prefix}*`)));
    const holding = found.filter((keys) => keys.length > 0);
    expect(holding).toHaveLength(1);
    const slots = new Set(await Promise.all(holding[0]!.slice(0, 50).map((key) => sharedRedis().cluster("KEYSLOT", key))));
    expect(slots.size).toBe(1);

    // Keys without a hash tag land on every node; the cleanup must visit each master.
    const loose = `loose-${randomUUID()}`;
    await Promise.all(Array.from({ length: 60 }, (_, index) => sharedRedis().set(`${loose}:${index}`, "1")));
    const spread = await Promise.all(nodes.map(async (node) => (await keysOn(node, `${loose}:*`)).length));
    expect(spread.every((count) => count > 0)).toBe(true);
    expect(await deleteKeysByPrefix(sharedRedis(), loose)).toBe(60);
    expect(await Promise.all(nodes.map(async (node) => (await keysOn(node, `${loose}:*`)).length))).toEqual([0, 0, 0]);
  });

  it("reaches every worker process with a restart and counts them exactly", async () => {
    expect(await requestWorkerRestart(sharedRedis(), prefix)).toBe(1);
    // After draining it serves again: a fresh job completes.
    const { jobId } = await enqueue(planner, "export", DOCUMENTED_DATA.export);
    await waitFor(async () => (await ledger(jobId))?.state === "COMPLETED", 15_000);
  });
});
