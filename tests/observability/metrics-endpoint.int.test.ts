import { UnrecoverableError } from "bullmq";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { POST as enqueueRoute } from "@/app/api/v1/queues/[queueKey]/jobs/route";
import { GET as sseRoute } from "@/app/api/v1/sse/route";
import { createDb, db, disconnectDb } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { QueueManager, queueManager } from "@/lib/jobs/queue-manager";
import { cachedSnapshot, readClusterSnapshot, registerClusterMetrics, type ClusterSnapshot } from "@/lib/observability/cluster-metrics";
import { serveMetrics } from "@/lib/observability/metrics-endpoint";
import { createRedis } from "@/lib/redis";
import type { WorkerManager } from "@/worker/worker-manager";
import { documentedResult } from "../helpers/documented-jobs";
import { buildRequest, call, createTestUser, type TestUser } from "../helpers/fixtures";
import { parsePrometheus, sampleValue } from "../helpers/prometheus";
import { startTestWorker, waitFor } from "../helpers/worker";

// Read by lib/env.ts on first use, which is after this runs.
const TOKEN = vi.hoisted(() => {
  const token = "metrics-token-for-the-tests-0123";
  process.env.METRICS_TOKEN = token;
  return token;
});

let admin: TestUser;
let worker: WorkerManager | undefined;

beforeAll(async () => {
  admin = await createTestUser("ADMIN");
});

afterAll(async () => {
  await worker?.stop(5_000);
});

async function scrape(token = TOKEN): Promise<string> {
  const response = await call(metricsRoute, { path: "/api/metrics", headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return response.text;
}

/** Scrapes until `check` holds: the cluster snapshot is cached for a couple of seconds. */
async function scrapeUntil(check: (text: string) => boolean, timeoutMs = 20_000): Promise<string> {
  let last = "";
  try {
    return await waitFor(async () => {
      last = await scrape();
      return check(last) && last;
    }, timeoutMs, 200);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last scrape:\n${last.split("\n").filter((line) => line.startsWith("capliquify_")).join("\n")}`);
  }
}

const value = (text: string, name: string, labels: Record<string, string> = {}) => sampleValue(text, name, labels) ?? 0;

function enqueue(name: string) {
  return call(enqueueRoute, {
    method: "POST",
    path: "/api/v1/queues/export/jobs",
    params: { queueKey: "export" },
    auth: { apiKey: admin.apiKey },
    body: { name, data: { entity: "products", format: "csv" } },
  });
}

describe("GET /api/metrics: the token", () => {
  it("does not exist without METRICS_TOKEN (404), and a short token stops the start naming the variable", async () => {
    const response = await serveMetrics(buildRequest({ path: "/api/metrics", headers: { authorization: `Bearer ${TOKEN}` } }), { settings: parseEnv({}) });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("not-found");
    expect(() => parseEnv({ METRICS_TOKEN: "too-short" })).toThrow(/METRICS_TOKEN/);
  });

  it("answers 401 with WWW-Authenticate without the token, with a wrong one, another scheme, or a user's API key", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`metrics:${TOKEN}`).toString("base64")}` },
      { authorization: `Bearer ${admin.apiKey}` },
      { cookie: admin.cookie },
    ];
    for (const headers of attempts) {
      const response = await call(metricsRoute, { path: "/api/metrics", headers });
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect(response.text).not.toContain("capliquify_");
    }
  });

  it("answers Prometheus text with every metric family for the right token", async () => {
    const response = await call(metricsRoute, { path: "/api/metrics", headers: { authorization: `bearer  ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { types } = parsePrometheus(response.text);
    expect(Object.fromEntries([...types].filter(([name]) => name.startsWith("capliquify_")))).toEqual({
      capliquify_queue_jobs: "gauge",
      capliquify_queue_paused: "gauge",
      capliquify_queue_workers: "gauge",
      capliquify_jobs_added_total: "counter",
      capliquify_jobs_completed_total: "counter",
      capliquify_jobs_failed_total: "counter",
      capliquify_job_retries_total: "counter",
      capliquify_job_duration_seconds: "histogram",
      capliquify_job_wait_seconds: "histogram",
      capliquify_redis_up: "gauge",
      capliquify_redis_ping_seconds: "gauge",
      capliquify_database_up: "gauge",
      capliquify_database_ping_seconds: "gauge",
      capliquify_http_request_duration_seconds: "histogram",
      capliquify_sse_connections: "gauge",
    });
    // prom-client's process metrics of this instance come along.
    expect(types.get("process_cpu_seconds_total")).toBe("counter");
    expect(types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
    // Every queue of the catalogue, every state.
    expect(sampleValue(response.text, "capliquify_queue_jobs", { queue: "forecast", state: "waiting" })).toBeTypeOf("number");
    expect(sampleValue(response.text, "capliquify_queue_jobs", { queue: "analytics", state: "delayed" })).toBeTypeOf("number");
    expect(value(response.text, "capliquify_redis_up")).toBe(1);
    expect(value(response.text, "capliquify_database_up")).toBe(1);
    expect(value(response.text, "capliquify_redis_ping_seconds")).toBeGreaterThan(0);
    expect(value(response.text, "capliquify_database_ping_seconds")).toBeGreaterThan(0);
  });
});

describe("GET /api/metrics: scopes", () => {
  const familiesOf = (text: string) => [...parsePrometheus(text).types.keys()];

  it("answers this instance's series for scope=instance and the cluster's for scope=cluster, and 422 for another scope", async () => {
    const get = (scope: string) => call(metricsRoute, { path: `/api/metrics?scope=${scope}`, headers: { authorization: `Bearer ${TOKEN}` } });
    const instance = familiesOf((await get("instance")).text);
    expect(instance).toEqual(expect.arrayContaining(["capliquify_http_request_duration_seconds", "capliquify_sse_connections", "process_cpu_seconds_total"]));
    expect(instance.filter((name) => /^capliquify_(queue|job|redis|database)/.test(name))).toEqual([]);

    const cluster = familiesOf((await get("cluster")).text);
    expect(cluster).toEqual(expect.arrayContaining(["capliquify_queue_jobs", "capliquify_jobs_completed_total", "capliquify_job_duration_seconds", "capliquify_redis_up"]));
    expect(cluster.filter((name) => /^(capliquify_http|capliquify_sse|process_|nodejs_)/.test(name))).toEqual([]);

    expect(familiesOf(await scrape()).sort()).toEqual([...instance, ...cluster].sort());

    const bad = await get("everything");
    expect(bad.status).toBe(422);
    expect(bad.json.error.details).toEqual([{ path: "query.scope", message: "must be one of all, instance, cluster" }]);
    // The token is checked first: a bad scope tells nothing to a caller without it.
    expect((await call(metricsRoute, { path: "/api/metrics?scope=everything" })).status).toBe(401);
  });
});

describe("GET /api/metrics: values", () => {
  it("counts completed, failed and retried jobs with their run and wait times, as the worker reports them, and the queue's counts", async () => {
    const before = await scrape();
    const seenAttempts = new Map<string, number>();
    worker = await startTestWorker(["export"], {
      export: {
        async run(job) {
          seenAttempts.set(job.id, job.attempt);
          if (job.name === "fails") throw new UnrecoverableError("warehouse refused the export");
          if (job.name === "flaky" && job.attempt === 1) throw new Error("timeout talking to the warehouse");
          await new Promise((resolve) => setTimeout(resolve, 30));
          return documentedResult("export");
        },
      },
    });
    const jobs = await Promise.all(["works", "works", "fails", "flaky"].map((name) => enqueue(name)));
    for (const job of jobs) expect(job.status).toBe(201);
    const ids = jobs.map((job) => job.json.jobId as string);
    await waitFor(async () => {
      const runs = await db().jobRun.findMany({ where: { id: { in: ids } } });
      return runs.length === 4 && runs.every((run) => run.state === "COMPLETED" || run.state === "FAILED");
    }, 25_000);

    const moved = (text: string, name: string, labels: Record<string, string> = {}) => value(text, name, labels) - value(before, name, labels);
    const after = await scrapeUntil((text) => moved(text, "capliquify_jobs_completed_total", { queue: "export" }) === 3);
    expect(moved(after, "capliquify_jobs_added_total", { queue: "export" })).toBe(4);
    expect(moved(after, "capliquify_jobs_failed_total", { queue: "export" })).toBe(1);
    expect(moved(after, "capliquify_job_retries_total", { queue: "export" })).toBe(1);
    // Run times: three completed attempts (each slept 30 ms), two failed ones (the final and the retried).
    expect(moved(after, "capliquify_job_duration_seconds_count", { queue: "export", outcome: "completed" })).toBe(3);
    expect(moved(after, "capliquify_job_duration_seconds_count", { queue: "export", outcome: "failed" })).toBe(2);
    expect(moved(after, "capliquify_job_duration_seconds_sum", { queue: "export", outcome: "completed" })).toBeGreaterThanOrEqual(0.09);
    expect(moved(after, "capliquify_job_duration_seconds_bucket", { queue: "export", outcome: "completed", le: "0.02" })).toBe(0);
    expect(moved(after, "capliquify_job_duration_seconds_bucket", { queue: "export", outcome: "completed", le: "+Inf" })).toBe(3);
    // Waits: the four first attempts.
    expect(moved(after, "capliquify_job_wait_seconds_count", { queue: "export" })).toBe(4);
    // Redis keeps the finished jobs for the catalogue's retention.
    expect(moved(after, "capliquify_queue_jobs", { queue: "export", state: "completed" })).toBe(3);
    expect(moved(after, "capliquify_queue_jobs", { queue: "export", state: "failed" })).toBe(1);
    expect(value(after, "capliquify_queue_jobs", { queue: "export", state: "active" })).toBe(0);
    expect(value(after, "capliquify_queue_workers", { queue: "export" })).toBe(1);
    expect(value(after, "capliquify_queue_workers", { queue: "forecast" })).toBe(0);
    // Another queue's counters did not move.
    expect(moved(after, "capliquify_jobs_completed_total", { queue: "forecast" })).toBe(0);
    expect(seenAttempts.get(ids[3]!)).toBe(2);
  });

  it("shows a paused queue until it is resumed", async () => {
    await queueManager().pause("analytics");
    await scrapeUntil((text) => value(text, "capliquify_queue_paused", { queue: "analytics" }) === 1);
    await queueManager().resume("analytics");
    const text = await scrapeUntil((text) => value(text, "capliquify_queue_paused", { queue: "analytics" }) === 0);
    expect(value(text, "capliquify_queue_paused", { queue: "forecast" })).toBe(0);
  });

  it("records each API request's duration under its route pattern, method and status, never the raw path", async () => {
    const labels = { method: "POST", route: "/api/v1/queues/[queueKey]/jobs" };
    const before = await scrape();
    expect((await enqueue("timed")).status).toBe(201);
    const unknown = await call(enqueueRoute, {
      method: "POST",
      path: "/api/v1/queues/no-such-queue-42/jobs",
      params: { queueKey: "no-such-queue-42" },
      auth: { apiKey: admin.apiKey },
      body: { name: "x", data: {} },
    });
    expect(unknown.status).toBe(404);
    const after = await scrape();
    const count = (text: string, status: string) => value(text, "capliquify_http_request_duration_seconds_count", { ...labels, status });
    expect(count(after, "201") - count(before, "201")).toBe(1);
    expect(count(after, "404") - count(before, "404")).toBe(1);
    expect(value(after, "capliquify_http_request_duration_seconds_sum", { ...labels, status: "201" })).toBeGreaterThan(0);
    expect(after).not.toContain("no-such-queue-42");
    expect(after).not.toContain('route="/api/v1/queues/export/jobs"');
  });

  it("counts this instance's open SSE streams", async () => {
    const before = value(await scrape(), "capliquify_sse_connections");
    const abort = new AbortController();
    const response = await sseRoute(buildRequest({ path: "/api/v1/sse", auth: { apiKey: admin.apiKey } }, abort.signal), { params: Promise.resolve({}) });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read(); // the stream has started: "connected"
    expect(value(await scrape(), "capliquify_sse_connections")).toBe(before + 1);
    abort.abort();
    await reader.cancel().catch(() => {});
    await waitFor(async () => value(await scrape(), "capliquify_sse_connections") === before);
  });
});

describe("cluster snapshot", () => {
  it("reports Redis and PostgreSQL down (0) and leaves the queue series out rather than report zeros", async () => {
    const deadRedis = createRedis("producer", "redis://127.0.0.1:1");
    const deadDb = createDb("postgresql://root@127.0.0.1:1/nowhere");
    try {
      const started = Date.now();
      const snapshot = await readClusterSnapshot({ redis: deadRedis, manager: new QueueManager({ connection: deadRedis }), db: deadDb });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(snapshot).toEqual({ redis: { up: false, latencyMs: null }, database: { up: false, latencyMs: null }, queues: null });
      const registry = new Registry();
      registerClusterMetrics(registry, async () => snapshot);
      const text = await registry.metrics();
      expect(sampleValue(text, "capliquify_redis_up")).toBe(0);
      expect(sampleValue(text, "capliquify_database_up")).toBe(0);
      expect(sampleValue(text, "capliquify_redis_ping_seconds")).toBeUndefined();
      expect(parsePrometheus(text).samples.filter((sample) => sample.name.startsWith("capliquify_queue_") || sample.name.startsWith("capliquify_job"))).toEqual([]);
    } finally {
      deadRedis.disconnect();
      await disconnectDb(deadDb);
    }
  });

  it("is read once for concurrent scrapes and again once it is older than its TTL; a failed read is not kept", async () => {
    let reads = 0;
    let fail = false;
    const snapshot: ClusterSnapshot = { redis: { up: true, latencyMs: 1 }, database: { up: true, latencyMs: 1 }, queues: [] };
    const cached = cachedSnapshot(async () => {
      reads++;
      if (fail) throw new Error("redis went away");
      return snapshot;
    }, 200);
    await Promise.all(Array.from({ length: 10 }, () => cached()));
    expect(reads).toBe(1);
    await cached();
    expect(reads).toBe(1);
    await waitFor(async () => (await cached(), reads === 2), 5_000, 50);
    fail = true;
    await waitFor(async () => {
      await cached().catch(() => {});
      return reads === 3;
    }, 5_000, 50);
    fail = false;
    await expect(cached()).resolves.toBe(snapshot);
    expect(reads).toBe(4);
  });
});
