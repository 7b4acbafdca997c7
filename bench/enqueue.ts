import { Agent, request } from "node:http";
import autocannon from "autocannon";
import type { Db } from "../lib/db";
import type { QueueManager } from "../lib/jobs/queue-manager";
import { config } from "./config";
import { startChild, stopChild, type Child } from "./processes";
import pg from "pg";
import { byComm, byPid, byPids, byProcessGroups, cpuSnapshot, cpuUsage, loadAverage, type CpuGroup, type CpuUsage } from "./system";
import { quantile } from "./table";

/**
 * Part 1: how many authenticated, validated, ledger-backed enqueues per second the app serves,
 * against a bare node:http + BullMQ server doing nothing but `queue.add` on the same machine,
 * Redis and load generator.
 */
export interface Target {
  label: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Process group of the server, for CPU attribution. */
  pgid: number;
  /** Status every response should have. @defaultValue 201 */
  expectStatus?: number;
}

/** One load run, whichever generator produced it. */
export interface Summary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses in the measured window. */
  responses: number;
  ok2xx: number;
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

export interface LoadResult {
  label: string;
  summary: Summary;
  cpu: CpuUsage;
  load: string;
  /** 2xx answers in total, preflight and warm-up included: each one enqueued a job. */
  responses2xx: number;
}

export async function startCeiling(): Promise<Child> {
  const child = startChild("ceiling", process.execPath, ["--import", "tsx", "bench/ceiling-server.ts"], {
    ...process.env,
    NODE_ENV: "production",
    CEILING_PORT: String(config.ceilingPort),
    CEILING_PREFIX: config.ceilingPrefix,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.ceilingPrefix,
    NEXTAUTH_SECRET: config.nextAuthSecret,
    INTEGRATION_SECRET_KEY: config.integrationSecretKey,
  });
  await child.waitForLine(/ceiling listening/, 30_000);
  return child;
}

export { stopChild };

/** One request by hand first: a target that answers 4xx/5xx would otherwise look "fast". */
async function preflight(target: Target): Promise<void> {
  const response = await fetch(target.url, { method: "POST", headers: target.headers, body: target.body });
  if (response.status !== (target.expectStatus ?? 201)) {
    throw new Error(`${target.label}: preflight POST answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
}

/**
 * PostgreSQL backends serving the bench database. Other engineers' databases live on the same
 * server, so counting every `postgres` process put their work in our per-request figures; the
 * shared WAL writer and checkpointer are left out as well, which undercounts a little.
 */
const benchBackends = new Set<number>();

async function refreshBenchBackends(): Promise<void> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
    for (const row of rows) benchBackends.add(row.pid);
  } finally {
    await client.end();
  }
}

/** A CPU snapshot with the bench database's backends as they are now. */
async function snapshot(groups: CpuGroup[]) {
  await refreshBenchBackends();
  return cpuSnapshot(groups);
}

function cpuGroups(target: Target): CpuGroup[] {
  return [
    byProcessGroups("server", () => [target.pgid]),
    byPids("postgres", () => benchBackends),
    byComm("redis", "redis-server"),
    byPid("load generator", process.pid),
  ];
}

/** Closed loop: every connection sends its next request as soon as the last one is answered. */
async function saturate(target: Target, duration: number): Promise<Summary> {
  const result = await autocannon({
    url: target.url,
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body: target.body,
    connections: config.connections,
    pipelining: 1,
    duration,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    responses: result.requests.total,
    ok2xx: result["2xx"],
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count])),
  };
}

/**
 * Open loop: requests leave at evenly spaced times whatever the answers do, so latency is what a
 * client sees at that load rather than queueing behind 50 busy connections. (autocannon's
 * overallRate sends each connection's quota in a burst at every second, and its coordinated-
 * omission correction then fills the histogram with synthetic samples; neither fits here.)
 */
async function paced(target: Target, rate: number, duration: number): Promise<Summary> {
  const url = new URL(target.url);
  const agent = new Agent({ keepAlive: true, maxSockets: config.connections });
  const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(target.body)), ...target.headers };
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  const send = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers, agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on("end", () => {
          latencies.push(performance.now() - started);
          statusCodes[String(res.statusCode)] = (statusCodes[String(res.statusCode)] ?? 0) + 1;
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(target.body);
    });
  const total = Math.round(rate * duration);
  const interval = 1000 / rate;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = start + index * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send());
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const ok2xx = Object.entries(statusCodes).reduce((sum, [code, count]) => sum + (code.startsWith("2") ? count : 0), 0);
  return {
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    responses: latencies.length,
    ok2xx,
    errors,
    non2xx: latencies.length - ok2xx,
    statusCodes,
  };
}

/** Preflight, warm-up, then the measured run with CPU accounting; `rate` switches to the open loop. */
export async function measure(target: Target, rate?: number): Promise<LoadResult> {
  await preflight(target);
  const run = (duration: number) => (rate ? paced(target, rate, duration) : saturate(target, duration));
  const warmup = await run(config.warmup);
  const groups = cpuGroups(target);
  const before = await snapshot(groups);
  const summary = await run(config.duration);
  const cpu = cpuUsage(before, await snapshot(groups), groups);
  return { label: target.label, summary, cpu, load: loadAverage(), responses2xx: 1 + warmup.ok2xx + summary.ok2xx };
}

/** Jobs the runs left: every 201 must be one waiting job (and, for the app, one ledger row). */
export async function countAccumulated(queues: QueueManager, ceilingQueues: QueueManager, nextCeilingQueues: QueueManager, db: Db) {
  const [app, ceiling, nextCeiling, ledger] = await Promise.all([
    queues.stats("forecast"),
    ceilingQueues.stats("forecast"),
    nextCeilingQueues.stats("forecast"),
    db.jobRun.count({ where: { queue: "forecast" } }),
  ]);
  return { appWaiting: app.waiting, ceilingWaiting: ceiling.waiting, nextCeilingWaiting: nextCeiling.waiting, ledger };
}

export type Accumulated = Awaited<ReturnType<typeof countAccumulated>>;

/** One bulk row: `size` jobs per request, `concurrency` requests in flight, until `totalJobs` are sent. */
export interface BulkResult {
  label: string;
  size: number;
  concurrency: number;
  requests: number;
  jobs: number;
  jobsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  statusCodes: Record<string, number>;
  cpu: CpuUsage;
  load: string;
  /** Jobs the 2xx answers enqueued, warm-up included. */
  jobs2xx: number;
}

export async function measureBulk(target: Omit<Target, "body"> & { body: (size: number) => string }, size: number, concurrency: number, totalJobs: number): Promise<BulkResult> {
  const body = target.body(size);
  const send = async (): Promise<{ status: number; ms: number }> => {
    const started = performance.now();
    const response = await fetch(target.url, { method: "POST", headers: { "content-type": "application/json", ...target.headers }, body });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`${target.label}: bulk POST answered ${response.status}: ${text.slice(0, 300)}`);
    return { status: response.status, ms: performance.now() - started };
  };
  await send(); // warm-up, and the preflight: a failing target stops the row here
  const requests = Math.max(concurrency, Math.round(totalJobs / size));
  const groups = cpuGroups({ ...target, body: "" });
  const before = await snapshot(groups);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        const { status, ms } = await send();
        latencies.push(ms);
        statusCodes[String(status)] = (statusCodes[String(status)] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuUsage(before, await snapshot(groups), groups);
  latencies.sort((a, b) => a - b);
  return {
    label: target.label,
    size,
    concurrency,
    requests,
    jobs: requests * size,
    jobsPerSecond: (requests * size) / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    statusCodes,
    cpu,
    load: loadAverage(),
    jobs2xx: (requests + 1) * size,
  };
}
