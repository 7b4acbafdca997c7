import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import pg from "pg";
import pino from "pino";
import type { Db } from "../lib/db";
import type { QueueKey } from "../lib/jobs/catalog";
import { defaultJobOptions, type QueueManager } from "../lib/jobs/queue-manager";
import { createRedis } from "../lib/redis";
import { WorkerManager } from "../worker/worker-manager";
import { config } from "./config";
import type { SeededProduct } from "./setup";
import { loadAverage } from "./system";
import { quantile } from "./table";

/**
 * Part 4: the admin dashboard's reads at scale. Fills Redis with `config.dashboardJobs` jobs
 * (config.dashboardFailed of them failed, through the real WorkerManager so the ledger, timeline
 * and fingerprints are what production writes) with a ledger row each, then times the dashboard's
 * endpoints and pages one request at a time (server time on localhost, no contention from the bench).
 */

/** How the jobs are spread over queues and states; the failed and completed ones are really processed. */
export function plan(total: number, failed: number) {
  const completed = Math.min(Math.round(total * 0.1), total - failed);
  const delayed = Math.round(total * 0.1);
  const waiting = total - failed - completed - delayed;
  return [
    { queue: "forecast" as const, state: "waiting" as const, count: Math.round(waiting * 0.6) },
    { queue: "export" as const, state: "waiting" as const, count: waiting - Math.round(waiting * 0.6) },
    { queue: "sync" as const, state: "delayed" as const, count: delayed },
    { queue: "import" as const, state: "failed" as const, count: failed },
    { queue: "analytics" as const, state: "completed" as const, count: completed },
  ];
}

/** Failure reasons with variable parts, as real imports produce: they fall into a handful of groups. */
const FAILURES = [
  (n: number) => `Row ${n % 5000}: unknown SKU 'SKU-${n % 977}'`,
  (n: number) => `Upload ${randomUUID()} not found`,
  (n: number) => `Column "quantity" in row ${n % 300} is not a number`,
  (n: number) => `ERP answered 503 after ${n % 30} s`,
  (n: number) => `connect ECONNREFUSED 10.0.${n % 250}.7:5432`,
];

function payload(queue: QueueKey, index: number, products: SeededProduct[]): { data: object; businessKey: string | null } {
  const product = products[index % products.length]!;
  switch (queue) {
    case "forecast":
      return { data: { productId: product.id, horizon: 30, models: ["all"] }, businessKey: product.id };
    case "export":
      return { data: { entity: "products", format: "csv" }, businessKey: null };
    case "sync":
      return { data: { integrationId: `erp-${index % 20}`, dataTypes: ["orders", "inventory"], force: false }, businessKey: `erp-${index % 20}` };
    case "import":
      return { data: { uploadId: `upload-${index}`, entityType: "products", mode: "all-or-nothing", dryRun: false }, businessKey: `upload-${index}` };
    default:
      return { data: { type: "inventory-turnover", params: { startDate: "2026-01-01", endDate: "2026-06-30" } }, businessKey: null };
  }
}

export interface DashboardSeed {
  jobs: number;
  failed: number;
  ledgerRows: number;
  ms: number;
  sampleSku: string;
  ownerEmail: string;
}

export async function seedDashboardScale(
  products: SeededProduct[],
  owner: { id: string; email: string },
  { db, queues }: { db: Db; queues: QueueManager },
  progress: (message: string) => void,
): Promise<DashboardSeed> {
  const started = performance.now();
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 3 });
  const batch = 5_000;
  let ledgerRows = 0;
  try {
    for (const { queue, state, count } of plan(config.dashboardJobs, config.dashboardFailed)) {
      const jobQueue = queues.queue(queue);
      const options = defaultJobOptions(queue);
      for (let offset = 0; offset < count; offset += batch) {
        const size = Math.min(batch, count - offset);
        const rows = Array.from({ length: size }, (_, index) => ({ id: randomUUID(), ...payload(queue, offset + index, products) }));
        // Spread creation over the last six days so date-range searches have something to narrow.
        const createdAt = rows.map((_, index) => new Date(Date.now() - ((offset + index) % 8640) * 60_000).toISOString());
        await pool.query(
          `INSERT INTO "JobRun" ("id", "queue", "name", "ownerId", "businessKey", "data", "priority", "state", "createdAt", "updatedAt")
           SELECT i, $2, $3, $4, b, d::jsonb, 5, $5::"JobState", (c AT TIME ZONE 'UTC'), (c AT TIME ZONE 'UTC')
           FROM unnest($1::text[], $6::text[], $7::text[], $8::timestamptz[]) AS r(i, b, d, c)`,
          [
            rows.map((row) => row.id),
            queue,
            `bench-${queue}`,
            owner.id,
            state === "delayed" ? "DELAYED" : "WAITING",
            rows.map((row) => row.businessKey),
            rows.map((row) => JSON.stringify(row.data)),
            createdAt,
          ],
        );
        await jobQueue.addBulk(
          rows.map((row) => ({
            name: `bench-${queue}`,
            data: { ...row.data, ownerId: owner.id },
            opts: {
              ...options,
              jobId: row.id,
              priority: 5,
              ...(state === "delayed" ? { delay: 24 * 60 * 60 * 1000 } : {}),
              // One attempt: the failures go straight to the failed set, as exhausted jobs do.
              ...(state === "failed" ? { attempts: 1 } : {}),
            },
          })),
        );
        ledgerRows += size;
        if ((offset / batch) % 20 === 0) progress(`  ${queue}: ${(offset + size).toLocaleString("en-US")} / ${count.toLocaleString("en-US")} added`);
      }
    }
    await pool.query(`ANALYZE "JobRun"`);
  } finally {
    await pool.end();
  }

  progress(`  processing ${config.dashboardFailed.toLocaleString("en-US")} failing imports and the completed analytics jobs through WorkerManager`);
  let failures = 0;
  const worker = new WorkerManager({
    queues: ["import", "analytics"],
    processors: {
      import: {
        async run() {
          const index = failures++;
          throw new Error(FAILURES[index % FAILURES.length]!(index));
        },
      },
      analytics: { run: async (job) => ({ success: true, reportId: `report-${job.id}`, type: job.data.type }) },
    },
    db,
    createConnection: () => createRedis("worker", config.redisUrl),
    prefix: config.prefix,
    // stderr: stdout carries the tables. Each failing import would log a warning; errors only.
    logger: pino({ level: "error" }, pino.destination(2)),
    heartbeatIntervalMs: 5_000,
    shutdownTimeoutMs: 10_000,
    settings: { import: { concurrency: 100 }, analytics: { concurrency: 100 } },
  });
  await worker.start();
  const importQueue = queues.queue("import");
  const analyticsQueue = queues.queue("analytics");
  for (;;) {
    const [importCounts, analyticsCounts] = await Promise.all([importQueue.getJobCounts("failed"), analyticsQueue.getJobCounts("completed")]);
    const done = (importCounts.failed ?? 0) + (analyticsCounts.completed ?? 0);
    const target = config.dashboardFailed + plan(config.dashboardJobs, config.dashboardFailed)[4]!.count;
    if (done >= target) break;
    progress(`  processed ${done.toLocaleString("en-US")} / ${target.toLocaleString("en-US")}   [load ${loadAverage()}]`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  await worker.stop();
  // As autovacuum would after such a load: sets the visibility map (index-only scans) and statistics.
  const vacuum = new pg.Client({ connectionString: config.databaseUrl });
  await vacuum.connect();
  // One statement per call: VACUUM refuses to run inside the implicit transaction of a multi-statement query.
  await vacuum.query(`VACUUM ANALYZE "JobRun"`);
  await vacuum.query(`VACUUM ANALYZE "JobRunEvent"`);
  await vacuum.end();
  const sampleSku = products[0]!.sku;
  return { jobs: config.dashboardJobs, failed: config.dashboardFailed, ledgerRows, ms: performance.now() - started, sampleSku, ownerEmail: owner.email };
}

/** A next-auth session cookie for `user`, as the browser would hold it after signing in. */
export async function sessionCookie(user: {
  id: string;
  email: string;
  name: string;
  role: "ADMIN" | "PLANNER";
  organizationId: string;
  sessionVersion: number;
}): Promise<string> {
  const claims = { sub: user.id, email: user.email, name: user.name, role: user.role, organizationId: user.organizationId };
  const token = await encode({ token: { ...claims, sessionId: randomUUID(), sessionVersion: user.sessionVersion }, secret: config.nextAuthSecret });
  return `next-auth.session-token=${token}`;
}

export interface Timing {
  label: string;
  path: string;
  status: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  bytes: number;
}

/** Times `path` one request at a time (no queueing in the server: the wall time is the server's time plus loopback). */
export async function timeRequest(baseUrl: string, label: string, path: string, cookie: string, samples: number): Promise<Timing> {
  const durations: number[] = [];
  let status = 0;
  let bytes = 0;
  for (let index = 0; index < samples + 3; index++) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
    const body = await response.arrayBuffer();
    const elapsed = performance.now() - started;
    status = response.status;
    bytes = body.byteLength;
    if (index >= 3) durations.push(elapsed); // the first calls compile and warm caches
  }
  durations.sort((a, b) => a - b);
  return { label, path, status, p50Ms: quantile(durations, 0.5), p95Ms: quantile(durations, 0.95), maxMs: durations.at(-1)!, bytes };
}
