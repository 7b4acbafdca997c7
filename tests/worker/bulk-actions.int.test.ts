import { UnrecoverableError } from "bullmq";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as bulkGetRoute } from "@/app/api/v1/bulk-actions/[id]/route";
import { GET as bulkListRoute, POST as bulkStartRoute } from "@/app/api/v1/bulk-actions/route";
import { GET as groupsRoute } from "@/app/api/v1/failed-groups/route";
import { getBulkAction } from "@/lib/bulk-actions/bulk-actions";
import { closeMaintenanceQueue } from "@/lib/bulk-actions/maintenance-queue";
import { runBulkAction } from "@/lib/bulk-actions/run-bulk-action";
import { db, sqlPool } from "@/lib/db";
import { failureFingerprint } from "@/lib/jobs/failure-fingerprint";
import { QueueManager, queueManager } from "@/lib/jobs/queue-manager";
import { createRedis } from "@/lib/redis";
import { MaintenanceWorker, type MaintenanceWorkerOptions } from "@/worker/maintenance/maintenance-worker";
import { clearLedger, seedFailures } from "../api/failed-support";
import { call, createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";

let admin: TestUser;
const workers: MaintenanceWorker[] = [];

beforeAll(async () => {
  admin = await createTestUser("ADMIN");
});

beforeEach(clearLedger);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await Promise.all(["forecast", "sync", "notification"].map((key) => queueManager().queue(key as never).obliterate({ force: true })));
});

afterAll(async () => {
  await closeMaintenanceQueue();
});

async function startMaintenance(options: Partial<MaintenanceWorkerOptions> = {}) {
  const worker = new MaintenanceWorker({
    db: db(),
    createConnection: () => createRedis("worker"),
    prefix: process.env.REDIS_PREFIX!,
    logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }),
    // Bulk actions only: an alert fired here would notify every admin in the shared test database.
    alerts: false,
    ...options,
  });
  await worker.start();
  workers.push(worker);
  return worker;
}

async function start(body: unknown) {
  const response = await call(bulkStartRoute, { method: "POST", path: "/api/v1/bulk-actions", body, auth: { apiKey: admin.apiKey } });
  expect(response.status).toBe(202);
  return response.json.bulkAction as { id: string; total: number; status: string };
}

const progress = async (id: string) => (await call(bulkGetRoute, { path: `/api/v1/bulk-actions/${id}`, params: { id }, auth: { apiKey: admin.apiKey } })).json.bulkAction;

async function eventCounts(ids: string[], kind: string): Promise<Map<string, number>> {
  const { rows } = await sqlPool(db()).query<{ runId: string; count: number }>(
    `SELECT "runId", count(*)::int AS "count" FROM "JobRunEvent" WHERE "runId" = ANY($1::text[]) AND "kind" = $2 GROUP BY "runId"`,
    [ids, kind],
  );
  return new Map(rows.map((row) => [row.runId, row.count]));
}

const MESSAGE = (index: number) => `Product c${"q".repeat(24)}${index} has only ${index % 50} days of sales history; at least 60 are needed`;
const GROUP = failureFingerprint("forecast", "forecast", MESSAGE(1));

describe("bulk retry of a failure group", () => {
  it("retries 2,000 failed jobs in the background: ledger back to waiting, Redis re-queued, progress and audit recorded", async () => {
    const ids = await seedFailures({ queue: "forecast", name: "forecast", count: 2_000, message: MESSAGE, ownerId: admin.id });
    const forecastQueue = queueManager().queue("forecast");
    expect(await forecastQueue.getFailedCount()).toBe(2_000);

    // Started before any worker serves the maintenance queue: the request returns at once, queued.
    const requested = performance.now();
    const action = await start({ action: "retry", target: { fingerprint: GROUP } });
    expect(performance.now() - requested).toBeLessThan(2_000);
    expect(action).toMatchObject({ total: 2_000, status: "queued" });

    const seen: { done: number; status: string }[] = [];
    await startMaintenance({ batchSize: 250, onProgress: async () => {} });
    const finished = await waitFor(async () => {
      const current = await progress(action.id);
      seen.push({ done: current.done, status: current.status });
      return current.status === "completed" ? current : null;
    }, 60_000, 25);
    expect(finished).toMatchObject({ total: 2_000, done: 2_000, skipped: 0, failed: 0, percent: 100, actor: { id: admin.id } });
    expect(new Date(finished.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(finished.startedAt).getTime());
    // Progress only grows.
    for (let index = 1; index < seen.length; index++) expect(seen[index]!.done).toBeGreaterThanOrEqual(seen[index - 1]!.done);

    // Redis: nothing failed, every job waiting again with its full attempt budget.
    expect(await forecastQueue.getFailedCount()).toBe(0);
    expect((await queueManager().stats("forecast")).waiting).toBe(2_000);
    const sample = await forecastQueue.getJob(ids[17]!);
    expect(sample?.attemptsMade).toBe(0);
    expect(await sample?.getState()).toBe("prioritized");

    // Ledger: waiting, reason cleared, fingerprint kept (it says which group the job came from).
    const states = await sqlPool(db()).query<{ state: string; failedReason: string | null; fingerprint: string | null; count: number }>(
      `SELECT "state", "failedReason", "failureFingerprint" AS "fingerprint", count(*)::int AS "count" FROM "JobRun" WHERE "id" = ANY($1::text[]) GROUP BY 1, 2, 3`,
      [ids],
    );
    expect(states.rows).toEqual([{ state: "WAITING", failedReason: null, fingerprint: GROUP, count: 2_000 }]);
    // One "retried" event per job, naming who.
    const events = await eventCounts(ids, "retried");
    expect(events.size).toBe(2_000);
    expect([...events.values()].every((count) => count === 1)).toBe(true);

    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "jobs.bulk-retry", actorId: admin.id }, orderBy: { createdAt: "desc" } });
    expect(audit).toMatchObject({ jobCount: 2_000, target: `forecast/group/${GROUP}` });
    expect(audit.details).toMatchObject({ bulkActionId: action.id, fingerprint: GROUP });

    // The group left the desk.
    const desk = await call(groupsRoute, { path: "/api/v1/failed-groups", auth: { apiKey: admin.apiKey } });
    expect(desk.json.groups).toEqual([]);
    const list = await call(bulkListRoute, { path: "/api/v1/bulk-actions?limit=5", auth: { apiKey: admin.apiKey } });
    expect(list.json.bulkActions[0]).toMatchObject({ id: action.id, action: "retry", status: "completed", target: { fingerprint: GROUP } });
  }, 120_000);

  it("skips jobs Redis no longer holds, leaving them FAILED in the ledger, and retries only the selected jobs", async () => {
    const ids = await seedFailures({ queue: "sync", name: "shopify-orders", count: 6, message: () => "Shopify answered 429 Too Many Requests" });
    await queueManager().queue("sync").remove(ids[0]!);
    await startMaintenance();
    const action = await start({ action: "retry", target: { jobIds: [ids[0], ids[1], ids[2]] } });
    expect(action.total).toBe(3);
    const finished = await waitFor(async () => ((await progress(action.id)).status === "completed" ? progress(action.id) : null), 20_000);
    expect(finished).toMatchObject({ total: 3, done: 2, skipped: 1, failed: 0 });
    const rows = await db().jobRun.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    const state = Object.fromEntries(rows.map((row) => [row.id, row.state]));
    expect(state[ids[0]!]).toBe("FAILED");
    expect([state[ids[1]!], state[ids[2]!]]).toEqual(["WAITING", "WAITING"]);
    expect(ids.slice(3).map((id) => state[id])).toEqual(["FAILED", "FAILED", "FAILED"]);
    expect(await queueManager().queue("sync").getFailedCount()).toBe(3);
  });
});

describe("bulk retry while workers run", () => {
  it("retries each job once even when it fails again at once: the action covers failures up to its start, and the ledger keeps the newer failure", async () => {
    const ids = await seedFailures({ queue: "forecast", name: "forecast", count: 200, message: MESSAGE });
    // The cause is not fixed: every retried job fails again immediately, with the same kind of message.
    const queueWorker = await startTestWorker(["forecast"], {
      forecast: {
        async run(job) {
          throw new UnrecoverableError(MESSAGE(ids.indexOf(job.id)));
        },
      },
    });
    try {
      await startMaintenance({ batchSize: 50 });
      const action = await start({ action: "retry", target: { fingerprint: GROUP } });
      const finished = await waitFor(async () => ((await progress(action.id)).status === "completed" ? progress(action.id) : null), 30_000);
      expect(finished).toMatchObject({ total: 200, done: 200, skipped: 0, failed: 0 });
      await waitFor(async () => (await db().jobRun.count({ where: { id: { in: ids }, state: "FAILED", attempts: 1, finishedAt: { gt: new Date(finished.startedAt) } } })) === 200, 30_000);
    } finally {
      await queueWorker.stop(5_000);
    }
    // One retry per job (no loop), each followed by its new failure; the group is back on the desk.
    const retried = await eventCounts(ids, "retried");
    expect(retried.size).toBe(200);
    expect([...retried.values()].every((count) => count === 1)).toBe(true);
    expect(await queueManager().queue("forecast").getFailedCount()).toBe(200);
    const desk = await call(groupsRoute, { path: "/api/v1/failed-groups", auth: { apiKey: admin.apiKey } });
    expect(desk.json.groups).toEqual([expect.objectContaining({ fingerprint: GROUP, count: 200 })]);
  }, 90_000);
});

describe("bulk removal of a failure group", () => {
  it("removes the group's jobs from Redis, marks them removed in the ledger and takes the group off the desk", async () => {
    const ids = await seedFailures({ queue: "notification", name: "email-digest", count: 300, message: (index) => `connect ECONNREFUSED 10.0.0.${index % 200}:587` });
    const other = await seedFailures({ queue: "notification", name: "email-digest", count: 2, message: () => "Mailbox full" });
    const fingerprint = failureFingerprint("notification", "email-digest", "connect ECONNREFUSED 10.0.0.1:587");
    // One of them Redis already dropped: the removal still takes it off the desk.
    await queueManager().queue("notification").remove(ids[5]!);
    await startMaintenance({ batchSize: 100 });
    const action = await start({ action: "remove", target: { fingerprint } });
    const finished = await waitFor(async () => ((await progress(action.id)).status === "completed" ? progress(action.id) : null), 30_000);
    expect(finished).toMatchObject({ total: 300, done: 299, skipped: 1, failed: 0 });

    const notification = queueManager().queue("notification");
    expect(await notification.getFailedCount()).toBe(2);
    expect(await notification.getJob(ids[0]!)).toBeUndefined();
    const rows = await db().jobRun.findMany({ where: { id: { in: ids } } });
    expect(rows.every((row) => row.removedAt !== null && row.state === "FAILED")).toBe(true);
    expect((await eventCounts(ids, "removed")).size).toBe(300);
    const desk = await call(groupsRoute, { path: "/api/v1/failed-groups", auth: { apiKey: admin.apiKey } });
    expect(desk.json.groups.map((group: any) => group.pattern)).toEqual(["Mailbox full"]);
    expect(desk.json.groups[0].sampleJobIds.sort()).toEqual([...other].sort());
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "jobs.bulk-remove" }, orderBy: { createdAt: "desc" } });
    expect(audit.jobCount).toBe(300);
  });
});

describe("resuming", () => {
  it("resumes where a stopped maintenance worker left off: every job retried exactly once", async () => {
    const ids = await seedFailures({ queue: "forecast", name: "forecast", count: 1_000, message: MESSAGE });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let batches = 0;
    // The first worker holds after its third batch, as if the process were stopped mid-way.
    const first = await startMaintenance({
      batchSize: 100,
      onProgress: async () => {
        if (++batches === 3) await held;
      },
    });
    const action = await start({ action: "retry", target: { fingerprint: GROUP } });
    await waitFor(() => batches === 3, 20_000);
    const stopping = first.stop();
    release();
    await stopping;
    workers.splice(workers.indexOf(first), 1);

    const midway = await getBulkAction(action.id);
    expect(midway).toMatchObject({ status: "running", done: 300, total: 1_000 });
    expect(await queueManager().queue("forecast").getFailedCount()).toBe(700);

    await startMaintenance({ batchSize: 100 });
    const finished = await waitFor(async () => ((await progress(action.id)).status === "completed" ? progress(action.id) : null), 30_000);
    expect(finished).toMatchObject({ total: 1_000, done: 1_000, skipped: 0, failed: 0 });
    expect(await queueManager().queue("forecast").getFailedCount()).toBe(0);
    const events = await eventCounts(ids, "retried");
    expect(events.size).toBe(1_000);
    expect([...events.values()].every((count) => count === 1)).toBe(true);
  }, 60_000);

  it("replays a batch a crashed run had reserved, whether or not Redis had already acted on it", async () => {
    const ids = await seedFailures({ queue: "forecast", name: "forecast", count: 350, message: MESSAGE });
    const action = await start({ action: "retry", target: { fingerprint: GROUP } });
    const connection = createRedis("worker");
    const queues = new QueueManager({ connection, prefix: process.env.REDIS_PREFIX! });
    try {
      // Crash 1: right after reserving the second batch, before touching Redis.
      let reserved = 0;
      await expect(
        runBulkAction(action.id, {
          db: db(),
          queues,
          redis: connection,
          batchSize: 100,
          afterReserve: () => {
            if (++reserved === 2) throw new Error("worker died");
          },
        }),
      ).rejects.toThrow("worker died");
      expect(await getBulkAction(action.id)).toMatchObject({ done: 100, status: "running" });

      // Crash 2: after replaying batch 2 and doing batch 3, Redis retried half of the last batch, then the process died before recording it.
      reserved = 0;
      await expect(
        runBulkAction(action.id, {
          db: db(),
          queues,
          redis: connection,
          batchSize: 100,
          afterReserve: async (pending) => {
            if (++reserved < 2) return;
            for (const id of pending.slice(0, 25)) await queues.getJob("forecast", id).then((job) => job!.retry("failed", { resetAttemptsMade: true }));
            throw new Error("worker died again");
          },
        }),
      ).rejects.toThrow("worker died again");
      expect(await getBulkAction(action.id)).toMatchObject({ done: 300 });

      expect(await runBulkAction(action.id, { db: db(), queues, redis: connection, batchSize: 100 })).toBe("completed");
    } finally {
      await queues.close();
      connection.disconnect();
    }
    expect(await getBulkAction(action.id)).toMatchObject({ status: "completed", total: 350, done: 350, skipped: 0, failed: 0 });
    expect(await queueManager().queue("forecast").getFailedCount()).toBe(0);
    expect(await db().jobRun.count({ where: { id: { in: ids }, state: "WAITING" } })).toBe(350);
    const events = await eventCounts(ids, "retried");
    expect(events.size).toBe(350);
    expect([...events.values()].every((count) => count === 1)).toBe(true);
  }, 60_000);
});
