import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as clean from "@/app/api/v1/queues/[queueKey]/clean/route";
import * as failed from "@/app/api/v1/queues/[queueKey]/failed/route";
import * as retry from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/retry/route";
import * as jobStatus from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/route";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import * as pause from "@/app/api/v1/queues/[queueKey]/pause/route";
import * as resume from "@/app/api/v1/queues/[queueKey]/resume/route";
import * as stats from "@/app/api/v1/queues/[queueKey]/stats/route";
import * as queues from "@/app/api/v1/queues/route";
import { db } from "@/lib/db";
import type { QueueKey } from "@/lib/jobs/catalog";
import { createDocumentedProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { BullmqScope, invoke } from "./support";
import { DOCUMENTED_DATA } from "../helpers/documented-jobs";

/**
 * Queue operations through the REST API, against real BullMQ queues under this file's prefix.
 * Each scenario uses a queue of its own so counts do not bleed between tests.
 */
let planner: TestUser;
let otherPlanner: TestUser;
let admin: TestUser;
const bull = new BullmqScope();

beforeAll(async () => {
  [planner, otherPlanner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("PLANNER"), createTestUser("ADMIN")]);
  // The documented data names product "p-1": enqueueing checks that it exists.
  await createDocumentedProduct();
});

afterAll(async () => {
  await bull.close();
});

const DATA: Record<QueueKey, unknown> = { ...DOCUMENTED_DATA };

async function add(user: TestUser, queueKey: QueueKey, options: Record<string, number> = {}, name = `${queueKey}-job`, data = DATA[queueKey]) {
  const response = await invoke(jobs.POST, { method: "POST", params: { queueKey }, body: { name, data, options }, auth: { apiKey: user.apiKey } });
  expect(response.status, response.text).toBe(201);
  return response.json as { jobId: string; state: string; queue: string; name: string };
}

const status = (user: TestUser, queueKey: QueueKey, jobId: string) => invoke(jobStatus.GET, { params: { queueKey, jobId }, auth: { apiKey: user.apiKey } });
const statsOf = async (queueKey: QueueKey) => (await invoke(stats.GET, { params: { queueKey }, auth: { apiKey: planner.apiKey } })).json;
const admin_ = (handler: typeof pause.POST, queueKey: QueueKey, body?: unknown) =>
  invoke(handler, { method: "POST", params: { queueKey }, body, auth: { apiKey: admin.apiKey } });

describe("adding jobs", () => {
  it("a plain job is waiting, in Redis and in the ledger, under the same id", async () => {
    const job = await add(planner, "import");
    expect(job).toMatchObject({ queue: "import", name: "import-job", state: "waiting" });
    const response = await status(planner, "import", job.jobId);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      id: job.jobId,
      queue: "import",
      name: "import-job",
      state: "waiting",
      progress: 0,
      data: { uploadId: "u-1", entityType: "products", dryRun: false },
      ownerId: planner.id,
      source: "redis",
      attempts: 3,
      attemptsMade: 0,
    });
    // The owner rides along in the BullMQ data for the worker, but is not echoed as payload.
    expect(response.json.data).not.toHaveProperty("ownerId");
    expect(await db().jobRun.findUnique({ where: { id: job.jobId } })).toMatchObject({ queue: "import", state: "WAITING", ownerId: planner.id, businessKey: "u-1" });
  });

  it("priority shows in the job status and the ledger; without one it is 5", async () => {
    const job = await add(planner, "optimization", { priority: 3 });
    expect(job.state).toBe("waiting");
    const { json } = await status(planner, "optimization", job.jobId);
    expect(json).toMatchObject({ state: "waiting", priority: 3 });
    expect(await db().jobRun.findUnique({ where: { id: job.jobId } })).toMatchObject({ state: "WAITING", priority: 3 });
    const plain = await add(planner, "optimization");
    expect((await status(planner, "optimization", plain.jobId)).json).toMatchObject({ state: "waiting", priority: 5 });
  });

  it("delay shows in the job status and the ledger", async () => {
    const job = await add(planner, "optimization", { delay: 60_000 });
    expect(job.state).toBe("delayed");
    const { json } = await status(planner, "optimization", job.jobId);
    expect(json.state).toBe("delayed");
    expect(await db().jobRun.findUnique({ where: { id: job.jobId } })).toMatchObject({ state: "DELAYED" });
  });

  it("stats count each state", async () => {
    await add(planner, "export");
    await add(planner, "export");
    await add(planner, "export", { priority: 1 });
    await add(planner, "export", { delay: 60_000 });
    await add(planner, "export", { delay: 60_000, priority: 2 });
    // Every waiting job waits in priority order, so all three waiting ones count as prioritized.
    expect(await statsOf("export")).toEqual({
      queueName: "export-queue",
      key: "export",
      waiting: 3,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 2,
      prioritized: 3,
      isPaused: false,
      total: 5,
    });
  });

  it("GET /queues lists all seven with the catalogue's settings", async () => {
    const { json } = await invoke(queues.GET, { auth: { apiKey: planner.apiKey } });
    const byKey = Object.fromEntries(json.queues.map((queue: { key: string }) => [queue.key, queue]));
    expect(Object.keys(byKey)).toEqual(["forecast", "optimization", "sync", "import", "export", "notification", "analytics"]);
    expect(byKey.forecast).toMatchObject({ queueName: "forecast-queue", concurrency: 3, timeoutMs: 300_000, workers: 0 });
    expect(byKey.notification).toMatchObject({ concurrency: 5, timeoutMs: 30_000, rateLimit: { max: 50, durationMs: 1000 } });
    expect(byKey.export).toMatchObject({ waiting: 3, delayed: 2, prioritized: 3 });
  });
});

describe("pause and resume", () => {
  it("pause shows in stats, resume clears it, both audited", async () => {
    const paused = await admin_(pause.POST, "sync");
    expect(paused.status).toBe(200);
    expect(paused.json).toEqual({ queue: "sync", isPaused: true });
    expect((await statsOf("sync")).isPaused).toBe(true);
    // Jobs added while paused wait; they are not lost.
    const job = await add(admin, "sync");
    expect((await status(admin, "sync", job.jobId)).json.state).toBe("waiting");
    expect((await statsOf("sync")).waiting).toBe(1);

    const resumed = await admin_(resume.POST, "sync");
    expect(resumed.json).toEqual({ queue: "sync", isPaused: false });
    expect((await statsOf("sync")).isPaused).toBe(false);

    const audit = await db().auditLog.findMany({ where: { actorId: admin.id, target: "sync" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((row) => row.action)).toEqual(["queue.pause", "queue.resume"]);
  });
});

describe("failed jobs, retry and clean", () => {
  const failedIds: string[] = [];

  beforeAll(async () => {
    // Five analytics jobs of the planner, one of another planner, all failed by a worker. Each
    // covers another period: identical reports while one waits would be deduplicated into one job.
    for (let index = 0; index < 5; index += 1) {
      const data = { ...DOCUMENTED_DATA.analytics, params: { startDate: "2026-01-01", endDate: `2026-05-1${index}` } };
      failedIds.push((await add(planner, "analytics", {}, `analytics-${index}`, data)).jobId);
    }
    failedIds.push((await add(otherPlanner, "analytics", {}, "analytics-other")).jobId);
    await bull.failJobs("analytics", failedIds.length, (job) => `boom ${job.name}`);
    // What the worker's ledger wiring would have recorded.
    await db().jobRun.updateMany({ where: { id: { in: failedIds } }, data: { state: "FAILED", failedReason: "boom", finishedAt: new Date() } });
  });

  it("the dead-letter view pages newest first with reason, data, attempts and stack", async () => {
    const list = (query: string) =>
      invoke(failed.GET, { path: `/api/v1/queues/analytics/failed?${query}`, params: { queueKey: "analytics" }, auth: { apiKey: admin.apiKey } });

    const all = await list("start=0&end=99");
    expect(all.status).toBe(200);
    expect(all.json).toMatchObject({ queue: "analytics", start: 0, end: 99, total: 6 });
    const ids = all.json.jobs.map((job: { id: string }) => job.id);
    expect([...ids].sort()).toEqual([...failedIds].sort());
    // Newest first. Two jobs can fail within the same millisecond, so compare times, not ids.
    const finished = all.json.jobs.map((job: { finishedOn: number }) => job.finishedOn);
    expect(finished).toEqual([...finished].sort((a, b) => b - a));

    const other = all.json.jobs.find((job: { id: string }) => job.id === failedIds[5]);
    expect(other).toMatchObject({
      name: "analytics-other",
      failedReason: "boom analytics-other",
      attemptsMade: 1,
      data: { ...DOCUMENTED_DATA.analytics, ownerId: otherPlanner.id, organizationId: otherPlanner.organizationId },
      timestamp: expect.any(Number),
      finishedOn: expect.any(Number),
    });
    expect(other.stacktrace.length).toBeGreaterThan(0);
    expect(other.stacktrace[0]).toContain("boom analytics-other");

    const first = await list("start=0&end=1");
    expect(first.json).toMatchObject({ start: 0, end: 1, total: 6 });
    expect(first.json.jobs.map((job: { id: string }) => job.id)).toEqual(ids.slice(0, 2));
    const middle = await list("start=2&end=3");
    expect(middle.json.jobs.map((job: { id: string }) => job.id)).toEqual(ids.slice(2, 4));
    const beyond = await list("start=10&end=12");
    expect(beyond.json).toMatchObject({ total: 6, jobs: [] });

    const defaults = await invoke(failed.GET, { params: { queueKey: "analytics" }, auth: { apiKey: admin.apiKey } });
    expect(defaults.json).toMatchObject({ start: 0, end: 9, total: 6 });
    expect(defaults.json.jobs).toHaveLength(6);
  });

  it("a failed job's status carries the reason; only admins get the stack", async () => {
    const mine = await status(planner, "analytics", failedIds[0]!);
    expect(mine.json).toMatchObject({ state: "failed", failedReason: "boom analytics-0", attemptsMade: 1, stacktrace: [] });
    const asAdmin = await status(admin, "analytics", failedIds[0]!);
    expect(asAdmin.json.stacktrace.length).toBeGreaterThan(0);
  });

  it("the owner retries a failed job: back to waiting in Redis and in the ledger", async () => {
    const jobId = failedIds[0]!;
    const response = await invoke(retry.POST, { method: "POST", params: { queueKey: "analytics", jobId }, auth: { apiKey: planner.apiKey } });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({ jobId, state: "waiting" });
    expect((await status(planner, "analytics", jobId)).json).toMatchObject({ state: "waiting", failedReason: null });
    expect(await db().jobRun.findUnique({ where: { id: jobId } })).toMatchObject({ state: "WAITING", failedReason: null, finishedAt: null });
    expect((await statsOf("analytics")).failed).toBe(5);

    // Retrying again: it is no longer failed.
    const again = await invoke(retry.POST, { method: "POST", params: { queueKey: "analytics", jobId }, auth: { apiKey: planner.apiKey } });
    expect(again.status).toBe(409);
  });

  it("a planner cannot retry another planner's failed job; an admin can, and it is audited", async () => {
    const jobId = failedIds[5]!;
    const refused = await invoke(retry.POST, { method: "POST", params: { queueKey: "analytics", jobId }, auth: { apiKey: planner.apiKey } });
    expect(refused.status).toBe(404);
    expect((await status(admin, "analytics", jobId)).json.state).toBe("failed");

    const accepted = await invoke(retry.POST, { method: "POST", params: { queueKey: "analytics", jobId }, auth: { apiKey: admin.apiKey } });
    expect(accepted.status).toBe(200);
    expect(await db().jobRun.findUnique({ where: { id: jobId } })).toMatchObject({ state: "WAITING", ownerId: otherPlanner.id });
    const audit = await db().auditLog.findFirst({ where: { actorId: admin.id, action: "job.retry" } });
    expect(audit).toMatchObject({ target: `analytics/${jobId}`, jobCount: 1 });
  });

  it("clean failed honours grace and limit, and is audited with the count", async () => {
    expect((await statsOf("analytics")).failed).toBe(4);

    const graced = await admin_(clean.POST, "analytics", { type: "failed", grace: 3_600_000 });
    expect(graced.json).toEqual({ queue: "analytics", type: "failed", removed: 0, jobIds: [] });

    const limited = await admin_(clean.POST, "analytics", { type: "failed", grace: 0, limit: 2 });
    expect(limited.status).toBe(200);
    expect(limited.json.removed).toBe(2);
    expect(limited.json.jobIds).toHaveLength(2);
    expect((await statsOf("analytics")).failed).toBe(2);

    const rest = await admin_(clean.POST, "analytics", { type: "failed" });
    expect(rest.json.removed).toBe(2);
    expect((await statsOf("analytics")).failed).toBe(0);
    // The two retried jobs are waiting, untouched by a clean of failed jobs.
    expect((await statsOf("analytics")).waiting).toBe(2);

    const audit = await db().auditLog.findMany({ where: { actorId: admin.id, action: "queue.clean", target: "analytics" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((row) => row.jobCount)).toEqual([0, 2, 2]);
    expect(audit[1]!.details).toEqual({ type: "failed", grace: 0, limit: 2 });

    // The ledger keeps the history Redis no longer holds.
    const cleanedId = [...limited.json.jobIds, ...rest.json.jobIds][0];
    const fromLedger = await status(planner, "analytics", cleanedId);
    expect(fromLedger.status).toBe(200);
    expect(fromLedger.json).toMatchObject({ source: "ledger", state: "failed" });
  });

  it("clean completed removes completed jobs only", async () => {
    for (let index = 0; index < 3; index += 1) await add(planner, "forecast");
    await bull.completeJobs("forecast", 3);
    await add(planner, "forecast");
    expect(await statsOf("forecast")).toMatchObject({ completed: 3, waiting: 1 });
    const cleaned = await admin_(clean.POST, "forecast", { type: "completed", grace: 0 });
    expect(cleaned.json.removed).toBe(3);
    expect(await statsOf("forecast")).toMatchObject({ completed: 0, waiting: 1 });
  });
});

describe("clean of jobs that never ran", () => {
  // Removed before it ran, it will never run: the ledger must not say it is still waiting.
  it("leaves no ledger row saying the job is still waiting", async () => {
    const job = await add(planner, "import");
    const cleaned = await admin_(clean.POST, "import", { type: "wait", grace: 0 });
    expect(cleaned.json.jobIds).toContain(job.jobId);
    const { json } = await status(planner, "import", job.jobId);
    expect(json.source).toBe("ledger");
    expect(json.state).toBe("cancelled");
  });
});
