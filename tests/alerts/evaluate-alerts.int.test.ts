import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as alertsRoute from "@/app/api/v1/alerts/route";
import { ALERT_SCHEDULER_ID } from "@/lib/alerts/alert-schedule";
import { alertsEvaluatedKey, alertsLockKey, alertsStateKey, readAlertStates } from "@/lib/alerts/alert-store";
import { evaluateAlerts, type EvaluateAlertsOptions } from "@/lib/alerts/evaluate-alerts";
import { DEFAULT_THRESHOLDS, type AlertThresholds } from "@/lib/alerts/rules";
import { MAINTENANCE_QUEUE } from "@/lib/bulk-actions/maintenance-queue";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { queueManager } from "@/lib/jobs/queue-manager";
import { removeHeartbeat, writeHeartbeat, type WorkerHeartbeat } from "@/lib/jobs/worker-registry";
import { createRedis } from "@/lib/redis";
import { MaintenanceWorker } from "@/worker/maintenance/maintenance-worker";
import { call, createTestUser, type TestUser } from "../helpers/fixtures";
import { waitFor } from "../helpers/worker";

/**
 * The evaluator against real Redis and PostgreSQL: export jobs wait with no worker, the alert fires
 * once (one notification per admin, none for planners), stays quiet while it keeps firing, and
 * resolves when a worker serving the queue appears. Then the same through the maintenance worker's
 * job scheduler with two "processes", and the API's access rules.
 */
const prefix = process.env.REDIS_PREFIX!;
const redis = createRedis("worker");
const silent = pino({ level: "silent" });
/**
 * No-worker at once. The ledger is shared with files that ran before (some leave waiting runs dated
 * days back), so the age rule is switched off here; tests/alerts/rules.test.ts covers it.
 */
const thresholds: AlertThresholds = { ...DEFAULT_THRESHOLDS, noWorkerMs: 0, oldestWaitingMs: Number.MAX_SAFE_INTEGER };

let admins: TestUser[];
let planner: TestUser;

const evaluate = (extra: Partial<EvaluateAlertsOptions> = {}) => evaluateAlerts({ redis, prefix, db: db(), queues: queueManager(), thresholds, logger: silent, ...extra });

function heartbeat(queues: WorkerHeartbeat["queues"]): WorkerHeartbeat {
  const at = new Date().toISOString();
  return { id: `test-${randomUUID()}`, host: "test", pid: 1, queues, concurrency: {}, startedAt: at, lastHeartbeat: at, jobsProcessed: 0, jobsFailed: 0, activeJobs: 0, status: "running" };
}

async function addExports(count: number) {
  for (let index = 0; index < count; index += 1) {
    const result = await enqueueJob({ queue: "export", name: "export-products", data: { entity: "products", format: "csv" }, owner: planner });
    expect(result.ok).toBe(true);
  }
}

/** Other test files' worker processes may alert every admin in the shared test database about their own queues' trouble; export's are this file's. */
const exportAlertsOf = (user: TestUser) => db().notification.count({ where: { userId: user.id, kind: "queue.alert", link: "/queues/export" } });

async function notificationsByIds(ids: string[]) {
  return db().notification.findMany({ where: { id: { in: ids } }, include: { user: { select: { role: true } } } });
}

beforeAll(async () => {
  const users = await Promise.all([createTestUser("ADMIN"), createTestUser("ADMIN"), createTestUser("PLANNER")]);
  admins = users.slice(0, 2);
  planner = users[2]!;
});

afterAll(async () => {
  await queueManager().queue("export").obliterate({ force: true });
  redis.disconnect();
});

describe("evaluateAlerts", () => {
  it("fires once on the transition, stays quiet while firing, resolves when a worker appears", async () => {
    await addExports(3);

    const first = await evaluate();
    expect(first.skipped).toBe(false);
    expect(first.fired.map((state) => `${state.queue}:${state.rule}`)).toEqual(["export:no-worker"]);
    expect(first.fired[0]!.figures).toEqual({ waiting: 3, workers: 0 });

    // One notification per admin, none for planners, linked to the queue through the id.
    const fired = await notificationsByIds(first.notificationIds);
    const adminCount = await db().user.count({ where: { role: "ADMIN" } });
    expect(fired).toHaveLength(adminCount);
    expect(fired.every((row) => row.user.role === "ADMIN")).toBe(true);
    expect(new Set(fired.map((row) => row.userId)).size).toBe(adminCount);
    for (const admin of admins) expect(fired.some((row) => row.userId === admin.id)).toBe(true);
    expect(fired.some((row) => row.userId === planner.id)).toBe(false);
    expect(fired[0]).toMatchObject({ kind: "queue.alert", title: "Data export: 3 jobs waiting, no worker serving it", jobId: null, readAt: null });
    expect(fired[0]!.body).toContain('WORKER_QUEUES unset or including "export"');
    expect(fired.every((row) => row.link === "/queues/export")).toBe(true);
    expect(await db().notification.count({ where: { userId: planner.id, kind: { startsWith: "queue.alert" } } })).toBe(0);

    // The next evaluation (a minute later, or right away) says nothing new.
    await addExports(1);
    const second = await evaluate();
    expect(second.fired).toEqual([]);
    expect(second.resolved).toEqual([]);
    expect(second.notificationIds).toEqual([]);
    expect(second.firing.map((state) => state.rule)).toEqual(["no-worker"]);
    expect(second.firing[0]!.figures.waiting).toBe(4);
    for (const admin of admins) expect(await exportAlertsOf(admin)).toBe(1);

    // A worker serving export shows up: resolved once, everyone told once.
    const beat = heartbeat(["export"]);
    await writeHeartbeat(redis, prefix, beat, 10_000);
    try {
      const third = await evaluate();
      expect(third.resolved.map((state) => state.rule)).toEqual(["no-worker"]);
      expect(third.firing).toEqual([]);
      const resolved = await notificationsByIds(third.notificationIds);
      expect(resolved).toHaveLength(adminCount);
      expect(resolved[0]).toMatchObject({ kind: "queue.alert-resolved", title: "Resolved: Data export: a worker serves it again" });
      expect((await evaluate()).notificationIds).toEqual([]);
      expect((await readAlertStates(redis, prefix)).size).toBe(0);
    } finally {
      await removeHeartbeat(redis, prefix, beat.id);
    }
  });

  it("a timed rule waits for its threshold; the state survives between runs", async () => {
    const timed = { ...thresholds, noWorkerMs: 2 * 60_000 };
    const start = Date.now();
    const pending = await evaluate({ thresholds: timed, now: start });
    expect(pending.fired).toEqual([]);
    expect((await readAlertStates(redis, prefix)).get("export:no-worker")).toMatchObject({ pendingSince: start, firingSince: null });
    expect((await evaluate({ thresholds: timed, now: start + 60_000 })).fired).toEqual([]);
    const fired = await evaluate({ thresholds: timed, now: start + 2 * 60_000 });
    expect(fired.fired.map((state) => state.rule)).toEqual(["no-worker"]);
    const rows = await notificationsByIds(fired.notificationIds);
    expect(rows[0]!.title).toBe("Data export: 4 jobs waiting, no worker for 2 min");
    await redis.del(alertsStateKey(prefix));
  });

  it("does nothing while another process holds the evaluation lock", async () => {
    await redis.set(alertsLockKey(prefix), "someone-else", "PX", 5_000);
    try {
      expect(await evaluate()).toEqual({ skipped: true, fired: [], resolved: [], firing: [], notificationIds: [] });
      expect((await readAlertStates(redis, prefix)).size).toBe(0);
    } finally {
      await redis.del(alertsLockKey(prefix));
    }
  });
});

describe("the maintenance worker's schedule", () => {
  it("two worker processes share one scheduler, and the alert fires once", async () => {
    await redis.del(alertsStateKey(prefix));
    const alertsOf = () => exportAlertsOf(admins[0]!);
    const before = await alertsOf();
    const options = { db: db(), createConnection: () => createRedis("worker"), prefix, logger: silent, backfillFingerprints: false, alerts: { everyMs: 300, thresholds }, retention: false, reconcile: false } as const;
    const workers = [new MaintenanceWorker(options), new MaintenanceWorker(options)];
    await Promise.all(workers.map((worker) => worker.start()));
    try {
      const queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix });
      expect((await queue.getJobSchedulers()).map((scheduler) => scheduler.key)).toEqual([ALERT_SCHEDULER_ID]);
      await queue.close();

      await waitFor(async () => (await alertsOf()) > before, 10_000);
      const evaluatedAt = Number(await redis.get(alertsEvaluatedKey(prefix)));
      // Several evaluations run in the next 1.5 s (every 300 ms, in either process); none fires again.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(Number(await redis.get(alertsEvaluatedKey(prefix)))).toBeGreaterThan(evaluatedAt);
      expect(await alertsOf()).toBe(before + 1);
      const states = await readAlertStates(redis, prefix);
      expect(states.get("export:no-worker")?.firingSince).not.toBeNull();
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  });
});

describe("GET /api/v1/alerts", () => {
  it("lists firing alerts for admins; planners get 403, anonymous callers 401", async () => {
    const response = await call(alertsRoute.GET, { path: "/api/v1/alerts", auth: { apiKey: admins[0]!.apiKey } });
    expect(response.status, response.text).toBe(200);
    expect(response.json.evaluateEveryMs).toBe(60_000);
    expect(Date.parse(response.json.evaluatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(response.json.alerts).toHaveLength(1);
    expect(response.json.alerts[0]).toMatchObject({
      id: "export:no-worker",
      rule: "no-worker",
      ruleLabel: "No worker",
      queue: "export",
      queueLabel: "Data export",
      figures: { waiting: 4, workers: 0 },
    });
    expect(response.json.alerts[0].title).toMatch(/^Data export: 4 jobs waiting, no worker/);
    expect(Date.parse(response.json.alerts[0].since)).not.toBeNaN();

    const asPlanner = await call(alertsRoute.GET, { path: "/api/v1/alerts", auth: { apiKey: planner.apiKey } });
    expect(asPlanner.status).toBe(403);
    const anonymous = await call(alertsRoute.GET, { path: "/api/v1/alerts" });
    expect(anonymous.status).toBe(401);
  });
});
