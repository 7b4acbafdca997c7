import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as getRoute, PATCH as patchRoute, DELETE as deleteRoute } from "@/app/api/v1/schedules/[id]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/schedules/route";
import { closeMaintenanceQueue, createMaintenanceQueue, maintenanceQueue } from "@/lib/bulk-actions/maintenance-queue";
import { db } from "@/lib/db";
import { queueManager } from "@/lib/jobs/queue-manager";
import { createRedis, type RedisClient } from "@/lib/redis";
import { runScheduleTick } from "@/lib/schedules/run-schedule-tick";
import { reconcileSchedulers, schedulerId } from "@/lib/schedules/schedulers";
import { nextRunTimes } from "@/lib/schedules/schedule-timing";
import { MaintenanceWorker } from "@/worker/maintenance/maintenance-worker";
import { call, createTestOrganization, createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { waitFor } from "../helpers/worker";

let planner: TestUser;
let otherPlanner: TestUser;
let admin: TestUser;
let productId: string;
const workers: MaintenanceWorker[] = [];
let redis: RedisClient;

beforeAll(async () => {
  const other = await createTestOrganization("Other plant");
  [planner, otherPlanner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("PLANNER", { organizationId: other.id }), createTestUser("ADMIN")]);
  productId = (await createTestProduct(60)).id;
  redis = createRedis("worker");
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await db().schedule.deleteMany({});
  await db().jobRun.deleteMany({ where: { ownerId: planner.id } });
  await maintenanceQueue().obliterate({ force: true });
  await queueManager().queue("forecast").obliterate({ force: true });
});

afterAll(async () => {
  await closeMaintenanceQueue();
  redis.disconnect();
});

/** A maintenance worker serving only ticks (and bulk actions): no alerts, retention or ledger reconcile. */
async function startMaintenance(): Promise<MaintenanceWorker> {
  const worker = new MaintenanceWorker({
    db: db(),
    createConnection: () => createRedis("worker"),
    prefix: process.env.REDIS_PREFIX!,
    logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }),
    alerts: false,
    retention: false,
    reconcile: false,
    backfillFingerprints: false,
  });
  await worker.start();
  workers.push(worker);
  return worker;
}

const nightly = (overrides: Record<string, unknown> = {}) => ({
  name: "Nightly forecast",
  queue: "forecast",
  data: { productId, horizon: 30 },
  cron: "0 2 * * *",
  timezone: "Europe/Berlin",
  ...overrides,
});

async function create(user: TestUser, body: unknown) {
  return call(createRoute, { method: "POST", path: "/api/v1/schedules", body, auth: { apiKey: user.apiKey } });
}

/** The scheduler's pending tick job: BullMQ keeps exactly one, delayed until it is due (or waiting, once due). */
async function pendingTick(scheduleId: string) {
  const pending = await maintenanceQueue().getJobs(["delayed", "waiting"]);
  return pending.filter((job) => job.id?.startsWith(`repeat:${schedulerId(scheduleId)}:`));
}

/** Makes the schedule's next tick due now, as if its time had come. */
async function tickNow(scheduleId: string): Promise<string> {
  const [tick] = await waitFor(async () => {
    const ticks = await pendingTick(scheduleId);
    return ticks.length > 0 && ticks;
  });
  await tick!.promote();
  return tick!.id!;
}

const runsOf = (ownerId: string) => db().jobRun.findMany({ where: { ownerId, queue: "forecast" } });

describe("schedules", () => {
  it("creates a schedule backed by one job scheduler, with next run times in its zone", async () => {
    const response = await create(planner, nightly());
    expect(response.status).toBe(201);
    const schedule = response.json.schedule;
    expect(schedule).toMatchObject({ queue: "forecast", cron: "0 2 * * *", timezone: "Europe/Berlin", paused: false, organizationId: planner.organizationId });
    // 02:00 in Berlin in December is 01:00 UTC.
    expect(new Date(schedule.nextRuns[0]).getUTCHours()).toBe(1);
    expect(schedule.nextRuns).toHaveLength(3);
    const scheduler = await maintenanceQueue().getJobScheduler(schedulerId(schedule.id));
    expect(scheduler).toMatchObject({ pattern: "0 2 * * *", tz: "Europe/Berlin" });
    expect(schedule.nextRuns[0]).toBe(new Date(scheduler!.next!).toISOString());
    const audit = await db().auditLog.findFirst({ where: { target: `schedule/${schedule.id}`, action: "schedule.create" } });
    expect(audit).toMatchObject({ actorId: planner.id, organizationId: planner.organizationId });
  });

  it("a tick starts exactly one ledger job owned by the creator, even with two maintenance workers", async () => {
    const schedule = (await create(planner, nightly())).json.schedule;
    await Promise.all([startMaintenance(), startMaintenance()]);
    const tickId = await tickNow(schedule.id);
    const [run] = await waitFor(async () => {
      const runs = await runsOf(planner.id);
      return runs.length > 0 && runs;
    });
    expect(run).toMatchObject({ ownerId: planner.id, organizationId: planner.organizationId, businessKey: productId });
    // The job is read again once completed: one read before its state would hold no return value.
    await waitFor(async () => (await maintenanceQueue().getJobState(tickId)) === "completed");
    const tick = (await maintenanceQueue().getJob(tickId))!;
    expect(tick.returnvalue).toMatchObject({ started: "job", jobId: run!.id, deduplicated: false });
    // The promoted tick was tomorrow's 02:00 (Berlin); the one it scheduled is the night after.
    const [next] = await pendingTick(schedule.id);
    expect(next!.id).toBe(`repeat:${schedulerId(schedule.id)}:${nextRunTimes({ cron: "0 2 * * *", timezone: "Europe/Berlin" }, 2)[1]!.getTime()}`);
    expect(await runsOf(planner.id)).toHaveLength(1);
    expect(await db().schedule.findUnique({ where: { id: schedule.id } })).toMatchObject({ lastRunJobId: run!.id });
    expect(await db().auditLog.count({ where: { action: "schedule.run", target: `forecast/${run!.id}` } })).toBe(1);
    const job = await queueManager().getJob("forecast", run!.id);
    expect(job?.data).toMatchObject({ productId, horizon: 30, ownerId: planner.id, organizationId: planner.organizationId });
  });

  it("a tick run twice starts one job", async () => {
    const schedule = (await create(planner, nightly())).json.schedule;
    const deps = { schedulerQueue: maintenanceQueue(), redis };
    const first = await runScheduleTick(schedule.id, "repeat:x:1", deps);
    const second = await runScheduleTick(schedule.id, "repeat:x:1", deps);
    expect(first).toMatchObject({ started: "job", deduplicated: false });
    expect(second).toMatchObject({ started: "job", deduplicated: true, jobId: (first as { jobId: string }).jobId });
    expect(await runsOf(planner.id)).toHaveLength(1);
  });

  it("a batch schedule's tick starts one flow over its scope, and the same tick run again finds that batch", async () => {
    const response = await create(planner, nightly({ data: { horizon: 30 }, batch: { productIds: [productId] } }));
    expect(response.status, response.text).toBe(201);
    const deps = { schedulerQueue: maintenanceQueue(), redis };
    const first = await runScheduleTick(response.json.schedule.id, "repeat:batch:1", deps);
    const second = await runScheduleTick(response.json.schedule.id, "repeat:batch:1", deps);
    expect(first).toMatchObject({ started: "batch", childCount: 1 });
    expect(second).toEqual(first);
    const batchId = (first as { batchId: string }).batchId;
    const children = await db().jobRun.findMany({ where: { batchId } });
    expect(children).toEqual([expect.objectContaining({ ownerId: planner.id, businessKey: productId, queue: "forecast" })]);
    expect(await db().jobRun.findUnique({ where: { id: batchId } })).toMatchObject({ ownerId: planner.id, name: "batch:1 product" });
    expect(await db().schedule.findUnique({ where: { id: response.json.schedule.id } })).toMatchObject({ lastRunJobId: batchId });
  });

  it("pause removes the scheduler and keeps the row; resume brings it back", async () => {
    const schedule = (await create(planner, nightly())).json.schedule;
    const paused = await call(patchRoute, { method: "PATCH", path: `/api/v1/schedules/${schedule.id}`, params: { id: schedule.id }, body: { paused: true }, auth: { apiKey: planner.apiKey } });
    expect(paused.status).toBe(200);
    expect(paused.json.schedule).toMatchObject({ paused: true, nextRuns: [] });
    expect(await maintenanceQueue().getJobScheduler(schedulerId(schedule.id))).toBeUndefined();
    expect(await pendingTick(schedule.id)).toHaveLength(0);
    // A tick already due when the pause landed starts nothing.
    expect(await runScheduleTick(schedule.id, "repeat:late:1", { schedulerQueue: maintenanceQueue(), redis })).toEqual({ skipped: "paused" });
    expect(await runsOf(planner.id)).toHaveLength(0);
    expect(await db().auditLog.count({ where: { target: `schedule/${schedule.id}`, action: "schedule.pause" } })).toBe(1);

    const resumed = await call(patchRoute, { method: "PATCH", path: `/api/v1/schedules/${schedule.id}`, params: { id: schedule.id }, body: { paused: false }, auth: { apiKey: planner.apiKey } });
    expect(resumed.json.schedule.paused).toBe(false);
    expect(await pendingTick(schedule.id)).toHaveLength(1);
  });

  it("an edit replaces the timing: an interval instead of a cron pattern", async () => {
    const schedule = (await create(planner, nightly())).json.schedule;
    const edited = await call(patchRoute, { method: "PATCH", path: `/api/v1/schedules/${schedule.id}`, params: { id: schedule.id }, body: { everyMs: 3_600_000, name: "Hourly" }, auth: { apiKey: planner.apiKey } });
    expect(edited.status).toBe(200);
    expect(edited.json.schedule).toMatchObject({ name: "Hourly", cron: null, everyMs: 3_600_000 });
    expect(await maintenanceQueue().getJobScheduler(schedulerId(schedule.id))).toMatchObject({ every: 3_600_000 });
    expect(await pendingTick(schedule.id)).toHaveLength(1);
  });

  it("reconcile restores a missing scheduler and drops one without a row", async () => {
    const schedule = (await create(planner, nightly())).json.schedule;
    const paused = (await create(planner, nightly({ name: "Paused", paused: true }))).json.schedule;
    await maintenanceQueue().removeJobScheduler(schedulerId(schedule.id));
    await maintenanceQueue().upsertJobScheduler(schedulerId("gone"), { every: 3_600_000 }, { name: "schedule-tick", data: { scheduleId: "gone" } });
    await startMaintenance();
    expect(await maintenanceQueue().getJobScheduler(schedulerId(schedule.id))).toMatchObject({ pattern: "0 2 * * *", tz: "Europe/Berlin" });
    expect(await maintenanceQueue().getJobScheduler(schedulerId("gone"))).toBeUndefined();
    expect(await maintenanceQueue().getJobScheduler(schedulerId(paused.id))).toBeUndefined();
    // Schedulers already right are left alone: a second pass changes nothing.
    const queue = createMaintenanceQueue(redis, process.env.REDIS_PREFIX!);
    expect(await reconcileSchedulers(db(), queue)).toEqual({ upserted: 0, removed: 0 });
    await queue.close();
  });

  it("deleting removes the scheduler", async () => {
    const schedule = (await create(planner, nightly())).json.schedule;
    const deleted = await call(deleteRoute, { method: "DELETE", path: `/api/v1/schedules/${schedule.id}`, params: { id: schedule.id }, auth: { apiKey: planner.apiKey } });
    expect(deleted.status).toBe(200);
    expect(await maintenanceQueue().getJobScheduler(schedulerId(schedule.id))).toBeUndefined();
    expect(await db().schedule.findUnique({ where: { id: schedule.id } })).toBeNull();
  });

  it.each([
    [{ cron: "61 * * * *" }, "body.cron"],
    [{ cron: "0 2 * *" }, "body.cron"],
    [{ timezone: "Mars/Olympus" }, "body.timezone"],
    [{ cron: undefined }, "body.cron"],
    [{ everyMs: 60_000 }, "body.everyMs"],
    [{ cron: undefined, everyMs: 1_000 }, "body.everyMs"],
    [{ data: { productId, horizon: 0 } }, "body.data.horizon"],
    [{ data: { productId: "no-such-product", horizon: 30 } }, "body.data.productId"],
    [{ queue: "export", data: { entity: "products", format: "csv" }, batch: { all: true } }, "body.batch"],
  ])("refuses %j with 422 naming %s", async (overrides, path) => {
    const response = await create(planner, nightly(overrides));
    expect(response.status).toBe(422);
    expect(response.json.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
    expect(await db().schedule.count()).toBe(0);
  });

  it("a planner never sees or touches another organisation's schedule, nor schedules a queue they may not enqueue", async () => {
    const schedule = (await create(planner, nightly())).json.schedule;
    const as = (user: TestUser) => ({ params: { id: schedule.id }, path: `/api/v1/schedules/${schedule.id}`, auth: { apiKey: user.apiKey } });
    expect((await call(getRoute, as(otherPlanner))).status).toBe(404);
    expect((await call(patchRoute, { ...as(otherPlanner), method: "PATCH", body: { paused: true } })).status).toBe(404);
    expect((await call(deleteRoute, { ...as(otherPlanner), method: "DELETE" })).status).toBe(404);
    expect((await call(listRoute, { path: "/api/v1/schedules", auth: { apiKey: otherPlanner.apiKey } })).json.schedules).toEqual([]);
    // Another organisation's product is unknown to them, as for a launch.
    expect((await create(otherPlanner, nightly())).status).toBe(422);
    expect((await create(planner, nightly({ queue: "sync", data: { integrationId: "shopify-1", dataType: "orders" } }))).status).toBe(403);
    // The admin sees and edits every organisation's; the runs stay the creator's.
    expect((await call(getRoute, as(admin))).status).toBe(200);
    const edited = await call(patchRoute, { ...as(admin), method: "PATCH", body: { name: "Renamed by ops" } });
    expect(edited.json.schedule).toMatchObject({ name: "Renamed by ops", createdBy: { id: planner.id } });
  });
});
