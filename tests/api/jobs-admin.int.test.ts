import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as cancel from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/cancel/route";
import * as details from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/details/route";
import * as duplicate from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/duplicate/route";
import * as promote from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/promote/route";
import * as job from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/route";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import { db } from "@/lib/db";
import type { QueueKey } from "@/lib/jobs/catalog";
import { slicesFor } from "@/lib/jobs/list-queue-jobs";
import { updateRun } from "@/lib/jobs/ledger";
import { queueManager } from "@/lib/jobs/queue-manager";
import { listRunEvents } from "@/lib/jobs/run-events";
import type { WorkerManager } from "@/worker/worker-manager";
import { createDocumentedProduct, createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { BullmqScope, expectErrorShape, invoke, SAME_ORIGIN } from "./support";
import { DOCUMENTED_DATA, documentedResult } from "../helpers/documented-jobs";

/**
 * The job triage API: per-queue lists by state, the job page's details, and the admin actions
 * (promote, remove, cancel, duplicate), against real BullMQ queues and the ledger.
 */
let planner: TestUser;
let otherPlanner: TestUser;
let admin: TestUser;
let secondProduct: string;
const bull = new BullmqScope();
const workers: WorkerManager[] = [];

beforeAll(async () => {
  [planner, otherPlanner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("PLANNER"), createTestUser("ADMIN")]);
  // The documented data's product, and one to edit a copy's data to: enqueueing checks that products exist.
  await createDocumentedProduct();
  secondProduct = (await createTestProduct(0)).id;
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop(5_000)));
});

afterAll(async () => {
  await bull.close();
});

const DATA: Partial<Record<QueueKey, unknown>> = { ...DOCUMENTED_DATA };

let analyticsLaunches = 0;
/** Each analytics job reports on another period: identical reports while one waits are deduplicated into one job. */
function dataOf(queueKey: QueueKey): unknown {
  if (queueKey !== "analytics") return DATA[queueKey];
  analyticsLaunches += 1;
  return { ...DOCUMENTED_DATA.analytics, params: { startDate: "2026-01-01", endDate: new Date(Date.UTC(2026, 0, 1 + analyticsLaunches)).toISOString().slice(0, 10) } };
}

async function add(user: TestUser, queueKey: QueueKey, options: Record<string, number> = {}, name = `${queueKey}-job`) {
  const response = await invoke(jobs.POST, { method: "POST", params: { queueKey }, body: { name, data: dataOf(queueKey), options }, auth: { apiKey: user.apiKey } });
  expect(response.status, response.text).toBe(201);
  return (response.json as { jobId: string }).jobId;
}

const as = (user: TestUser | null) => (user ? { auth: { apiKey: user.apiKey } } : {});
const list = (user: TestUser | null, queueKey: string, query = "") =>
  invoke(jobs.GET, { path: `/api/v1/queues/${queueKey}/jobs${query}`, params: { queueKey }, ...as(user) });
const detailsOf = (user: TestUser | null, queueKey: string, jobId: string) => invoke(details.GET, { params: { queueKey, jobId }, ...as(user) });
const post = (handler: typeof promote.POST, user: TestUser | null, queueKey: string, jobId: string, body?: unknown) =>
  invoke(handler, { method: "POST", params: { queueKey, jobId }, body, ...as(user) });
const remove = (user: TestUser | null, queueKey: string, jobId: string) => invoke(job.DELETE, { method: "DELETE", params: { queueKey, jobId }, ...as(user) });
const run = (id: string) => db().jobRun.findUniqueOrThrow({ where: { id } });

describe("GET /queues/:queue/jobs", () => {
  it("pages waiting jobs across the wait list and the prioritized set, in run order, with no gaps or repeats", async () => {
    const queue = queueManager().queue("import");
    // Jobs added without a priority (by another tool, say) sit in BullMQ's plain wait list and run first.
    const plain: string[] = [];
    for (let index = 0; index < 3; index++) plain.push((await queue.add("plain", DATA.import, { jobId: `plain-${index}` })).id!);
    const low = await add(planner, "import", { priority: 9 });
    const high = await add(planner, "import", { priority: 1 });
    const mid: string[] = [];
    for (let index = 0; index < 3; index++) mid.push(await add(otherPlanner, "import", { priority: 5 }));
    const expected = [...plain, high, ...mid, low];

    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const response = await list(admin, "import", `?state=waiting&page=${page}&pageSize=2`);
      expect(response.status, response.text).toBe(200);
      expect(response.json).toMatchObject({ queue: "import", state: "waiting", page, pageSize: 2, total: 8, pageCount: 4 });
      expect(response.json.counts).toMatchObject({ waiting: 8, active: 0, delayed: 0, completed: 0, failed: 0 });
      seen.push(...response.json.jobs.map((row: { id: string }) => row.id));
    }
    expect(seen).toEqual(expected);

    // Page 2 straddles the boundary between the two sets.
    const straddle = await list(admin, "import", "?state=waiting&page=2&pageSize=2");
    expect(straddle.json.jobs.map((row: { id: string; priority: number }) => [row.id, row.priority])).toEqual([
      [plain[2], 0],
      [high, 1],
    ]);
    const row = (await list(admin, "import", "?state=waiting&page=1&pageSize=8")).json.jobs.find((item: { id: string }) => item.id === high);
    expect(row).toMatchObject({ name: "import-job", state: "waiting", attemptsMade: 0, attempts: 3, owner: { id: planner.id, email: planner.email }, cancelled: false });
    // A page past the end is empty, not an error.
    expect((await list(admin, "import", "?state=waiting&page=9&pageSize=2")).json.jobs).toEqual([]);
    await queue.obliterate({ force: true });
  });

  it("lists delayed jobs soonest first and failed jobs with their reasons; defaults to waiting", async () => {
    const later = await add(planner, "analytics", { delay: 120_000 });
    const sooner = await add(planner, "analytics", { delay: 60_000 });
    const delayed = await list(admin, "analytics", "?state=delayed");
    expect(delayed.json.jobs.map((row: { id: string }) => row.id)).toEqual([sooner, later]);
    expect(Date.parse(delayed.json.jobs[0].runAt)).toBeGreaterThan(Date.now() + 50_000);

    await add(planner, "export");
    await bull.failJobs("export", 1, () => "Warehouse said no");
    const failed = await list(admin, "export", "?state=failed");
    expect(failed.json).toMatchObject({ total: 1, counts: { failed: 1, waiting: 0 } });
    expect(failed.json.jobs[0]).toMatchObject({ state: "failed", failedReason: "Warehouse said no" });
    expect((await list(admin, "analytics")).json.state).toBe("waiting");
    await Promise.all([queueManager().queue("analytics").obliterate({ force: true }), queueManager().queue("export").obliterate({ force: true })]);
  });

  it("is admin-only and names bad parameters", async () => {
    expect((await list(null, "import")).status).toBe(401);
    const forbidden = await list(planner, "import");
    expect(forbidden.status).toBe(403);
    expectErrorShape(forbidden.json, "forbidden");
    expect((await list(admin, "nope")).status).toBe(404);
    const badState = await list(admin, "import", "?state=stuck");
    expect(badState.status).toBe(422);
    expect(badState.json.error.details[0]).toMatchObject({ path: "query.state" });
    expect(badState.json.error.message).toMatch(/waiting, active, delayed, completed, failed/);
    for (const query of ["?page=0", "?page=x", "?pageSize=101", "?pageSize=1.5"]) {
      const response = await list(admin, "import", query);
      expect(response.status, query).toBe(422);
    }
  });

  it("slices an index range over the two waiting sets", () => {
    expect(slicesFor("waiting", 0, 4, { wait: 2, prioritized: 10 })).toEqual([
      { type: "wait", start: 0, end: 1, asc: true },
      { type: "prioritized", start: 0, end: 2, asc: true },
    ]);
    expect(slicesFor("waiting", 5, 9, { wait: 2, prioritized: 10 })).toEqual([{ type: "prioritized", start: 3, end: 7, asc: true }]);
    expect(slicesFor("waiting", 0, 1, { wait: 0, prioritized: 0 })).toEqual([]);
    expect(slicesFor("completed", 50, 74, { wait: 0, prioritized: 0 })).toEqual([{ type: "completed", start: 50, end: 74, asc: false }]);
  });
});

describe("GET /queues/:queue/jobs/:id/details", () => {
  it("shows data, options, each attempt, progress and logs; the owner sees it, other planners get 404", async () => {
    let attempt = 0;
    workers.push(
      await startTestWorker(["export"], {
        export: {
          async run(_job, context) {
            attempt++;
            await context.progress(30, "Reading products");
            await context.log(`attempt ${attempt} read 12 products`);
            if (attempt === 1) throw new Error("Warehouse timed out");
            return { ...documentedResult("export"), rows: 12 };
          },
        },
      }),
    );
    const jobId = await add(planner, "export", { priority: 3 });
    await waitFor(async () => (await run(jobId)).state === "COMPLETED", 20_000);
    await waitFor(async () => (await listRunEvents(jobId)).some((event) => event.kind === "completed"));

    const response = await detailsOf(admin, "export", jobId);
    expect(response.status, response.text).toBe(200);
    const body = response.json;
    expect(body).toMatchObject({
      id: jobId,
      queue: "export",
      queueLabel: "Data export",
      state: "completed",
      data: { entity: "products", format: "csv" },
      result: { ...documentedResult("export"), rows: 12 },
      attemptsMade: 2,
      owner: { id: planner.id, email: planner.email },
      options: { attempts: 3, backoff: { type: "exponential", delay: 2000 }, priority: 3, keepCompletedMs: 3 * 86_400_000, keepFailedMs: 7 * 86_400_000 },
      source: "redis",
      cancelling: false,
      logs: { source: "redis", lines: ["attempt 1 read 12 products", "attempt 2 read 12 products"], total: 2 },
    });
    expect(body.data.ownerId).toBeUndefined();
    expect(body.timeline[0]).toMatchObject({ kind: "created", actor: { id: planner.id } });
    expect(body.timeline.map((entry: { kind: string }) => entry.kind)).toEqual(["created", "active", "progress", "log", "retrying", "active", "progress", "log", "completed"]);
    expect(body.attemptHistory).toHaveLength(2);
    expect(body.attemptHistory[0]).toMatchObject({ attempt: 1, outcome: "retrying" });
    expect(body.attemptHistory[1]).toMatchObject({ attempt: 2, outcome: "completed" });
    expect(body.attemptHistory[1].durationMs).toBeGreaterThanOrEqual(0);

    expect((await detailsOf(planner, "export", jobId)).status).toBe(200);
    const hidden = await detailsOf(otherPlanner, "export", jobId);
    expect(hidden.status).toBe(404);
    expectErrorShape(hidden.json, "not-found");
    expect((await detailsOf(null, "export", jobId)).status).toBe(401);
    expect((await detailsOf(admin, "import", jobId)).status).toBe(404);
    expect((await detailsOf(admin, "export", "no-such-job")).status).toBe(404);

    // Once Redis has dropped the job (retention), the page reads the ledger: logs included.
    await (await queueManager().getJob("export", jobId))!.remove();
    const history = await detailsOf(admin, "export", jobId);
    expect(history.json).toMatchObject({ source: "ledger", state: "completed", logs: { source: "ledger", lines: ["attempt 1 read 12 products", "attempt 2 read 12 products"] } });
    expect(history.json.timeline).toHaveLength(9);
    await queueManager().queue("export").obliterate({ force: true });
  });

  it("names a forecast's product, links its forecast page once it completed, and hides stack traces from planners", async () => {
    const product = await db().product.create({ data: { organizationId: planner.organizationId, sku: `SKU-${Date.now()}`, name: "Brass hinge", category: "Hardware", unitCost: 2 } });
    const response = await invoke(jobs.POST, {
      method: "POST",
      params: { queueKey: "forecast" },
      body: { name: "forecast", data: { productId: product.id, horizon: 14 } },
      auth: { apiKey: planner.apiKey },
    });
    const jobId = response.json.jobId as string;
    const body = (await detailsOf(admin, "forecast", jobId)).json;
    const subject = { kind: "product", kindLabel: "Product", id: product.id, label: product.sku, detail: "Brass hinge", href: `/jobs?q=${product.id}` };
    expect(body.links).toEqual({ subject, result: null });
    expect(body.stacktrace).toEqual([]);
    expect((await detailsOf(planner, "forecast", jobId)).json.links.subject).toEqual(subject);

    // Completed (as the ledger holds it once Redis has dropped the job): the result page, in the catalogue's words.
    await (await queueManager().getJob("forecast", jobId))!.remove();
    await updateRun(jobId, { state: "COMPLETED", result: documentedResult("forecast"), finishedAt: new Date() });
    expect((await detailsOf(planner, "forecast", jobId)).json.links).toEqual({ subject, result: { href: `/forecasts?job=${jobId}`, label: "View forecast" } });
    await queueManager().queue("forecast").obliterate({ force: true });
  });
});

describe("POST /queues/:queue/jobs/:id/promote", () => {
  it("runs a delayed job now, records who did it, and refuses jobs that are not delayed", async () => {
    const jobId = await add(planner, "analytics", { delay: 600_000 });
    expect((await post(promote.POST, planner, "analytics", jobId)).status).toBe(403);
    expect((await post(promote.POST, null, "analytics", jobId)).status).toBe(401);

    const response = await post(promote.POST, admin, "analytics", jobId);
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({ jobId, state: "waiting" });
    expect(await (await queueManager().getJob("analytics", jobId))!.getState()).toBe("prioritized");
    expect((await run(jobId)).state).toBe("WAITING");
    const events = await listRunEvents(jobId);
    expect(events.map((event) => [event.kind, event.actorId])).toEqual([["promoted", admin.id]]);
    expect(await db().auditLog.count({ where: { action: "job.promote", target: `analytics/${jobId}`, actorId: admin.id } })).toBe(1);

    const again = await post(promote.POST, admin, "analytics", jobId);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe("Only delayed jobs can be promoted; this job is waiting");
    expect((await post(promote.POST, admin, "analytics", "missing")).status).toBe(404);
    expect((await post(promote.POST, admin, "export", jobId)).status).toBe(404);
    await queueManager().queue("analytics").obliterate({ force: true });
  });
});

describe("DELETE /queues/:queue/jobs/:id", () => {
  it("removes a waiting job: gone from Redis, cancelled and marked removed in the ledger, audited", async () => {
    const jobId = await add(planner, "import");
    expect((await remove(planner, "import", jobId)).status).toBe(403);
    const response = await remove(admin, "import", jobId);
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({ jobId, removed: true, previousState: "waiting", cancelled: true });
    expect(await queueManager().getJob("import", jobId)).toBeUndefined();
    const ledger = await run(jobId);
    expect(ledger).toMatchObject({ state: "CANCELLED", failedReason: `Removed by ${admin.principal.name}` });
    expect(ledger.removedAt).toBeInstanceOf(Date);
    expect((await listRunEvents(jobId)).map((event) => [event.kind, event.actorId])).toEqual([["removed", admin.id]]);
    expect(await db().auditLog.count({ where: { action: "job.remove", target: `import/${jobId}` } })).toBe(1);

    const again = await remove(admin, "import", jobId);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe("This job was already removed from its queue");
    // The job page still shows it, from the ledger.
    expect((await detailsOf(admin, "import", jobId)).json).toMatchObject({ state: "cancelled", source: "ledger", removedAt: ledger.removedAt!.toISOString() });
    expect((await remove(admin, "import", "missing")).status).toBe(404);
  });

  it("keeps a finished job's state, and refuses a running job with a hint to cancel it", async () => {
    const started = new Set<string>();
    workers.push(
      await startTestWorker(["export"], {
        export: {
          async run(job, context) {
            if (job.data.format === "json") return documentedResult("export");
            started.add(job.id);
            await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
            throw new Error("stopped");
          },
        },
      }),
    );
    DATA.export = { entity: "products", format: "json" };
    const done = await add(planner, "export");
    await waitFor(async () => (await run(done)).state === "COMPLETED");
    const removed = await remove(admin, "export", done);
    expect(removed.json).toMatchObject({ previousState: "completed", cancelled: false });
    expect((await run(done)).state).toBe("COMPLETED");

    DATA.export = { entity: "products", format: "csv" };
    const running = await add(planner, "export");
    await waitFor(() => started.has(running));
    const refused = await remove(admin, "export", running);
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toBe("This job is running and cannot be removed; cancel it instead");
    expect(await queueManager().getJob("export", running)).toBeDefined();

    // Cancelling it through the API stops it within seconds.
    const cancelled = await post(cancel.POST, admin, "export", running);
    expect(cancelled.json).toEqual({ jobId: running, state: "cancelling" });
    await waitFor(async () => (await run(running)).state === "CANCELLED", 10_000);
    await waitFor(async () => (await detailsOf(admin, "export", running)).json.state === "cancelled");
    // BullMQ files the stopped attempt as failed; the list says it was cancelled.
    const failedRows = (await list(admin, "export", "?state=failed")).json.jobs;
    expect(failedRows.find((row: { id: string }) => row.id === running)).toMatchObject({ state: "failed", cancelled: true, failedReason: `Cancelled by ${admin.principal.name}` });
    await queueManager().queue("export").obliterate({ force: true });
  });
});

describe("POST /queues/:queue/jobs/:id/cancel", () => {
  it("lets owners cancel their waiting jobs, hides others' jobs, and refuses finished ones", async () => {
    const jobId = await add(planner, "import");
    expect((await post(cancel.POST, otherPlanner, "import", jobId)).status).toBe(404);
    expect((await post(cancel.POST, null, "import", jobId)).status).toBe(401);
    const response = await post(cancel.POST, planner, "import", jobId);
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({ jobId, state: "cancelled" });
    expect((await run(jobId)).state).toBe("CANCELLED");

    const other = await add(planner, "analytics");
    await bull.completeJobs("analytics", 1);
    const refused = await post(cancel.POST, planner, "analytics", other);
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/this job is completed$/);
    // A browser session from another site cannot cancel.
    const crossSite = await invoke(cancel.POST, {
      method: "POST",
      params: { queueKey: "analytics", jobId: other },
      auth: { cookie: planner.cookie },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    const sameSite = await invoke(cancel.POST, { method: "POST", params: { queueKey: "analytics", jobId: other }, auth: { cookie: planner.cookie }, headers: SAME_ORIGIN });
    expect(sameSite.status).toBe(409);
    await queueManager().queue("analytics").obliterate({ force: true });
  });
});

describe("POST /queues/:queue/jobs/:id/duplicate", () => {
  it("adds a copy with edited data, owned by the admin, and names it on the original's timeline", async () => {
    const original = await add(planner, "forecast", { priority: 2 });
    const response = await post(duplicate.POST, admin, "forecast", original, { data: { productId: secondProduct, horizon: 60 }, delay: 30_000 });
    expect(response.status, response.text).toBe(201);
    const copy = response.json.jobId as string;
    expect(response.json).toEqual({ jobId: copy, queue: "forecast", state: "delayed", duplicateOf: original, deduplicated: false });
    expect(copy).not.toBe(original);
    const ledger = await run(copy);
    expect(ledger).toMatchObject({ ownerId: admin.id, name: "forecast-job", businessKey: secondProduct, state: "DELAYED", data: { productId: secondProduct, horizon: 60, models: ["all"] } });
    expect((await queueManager().getJob("forecast", copy))!.priority).toBe(2);
    const events = await listRunEvents(original);
    expect(events.map((event) => [event.kind, event.actorId])).toEqual([["duplicated", admin.id]]);
    expect(events[0]!.message).toContain(copy);
    expect(await db().auditLog.count({ where: { action: "job.duplicate", target: `forecast/${original}` } })).toBe(1);

    // Without data the copy re-runs the original's payload.
    const plain = await post(duplicate.POST, admin, "forecast", original, {});
    expect((await run(plain.json.jobId)).data).toEqual({ productId: "p-1", horizon: 30, models: ["all"] });
    await queueManager().queue("forecast").obliterate({ force: true });
  });

  it("validates the edited data through the catalogue, naming each bad field", async () => {
    const original = await add(planner, "forecast");
    const response = await post(duplicate.POST, admin, "forecast", original, { data: { productId: "", horizon: 999 } });
    expect(response.status).toBe(422);
    expectErrorShape(response.json, "unprocessable-entity");
    const paths = response.json.error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(["body.data.productId", "body.data.horizon"]));
    expect((await post(duplicate.POST, admin, "forecast", original, { data: {}, colour: "red" })).status).toBe(422);
    expect((await post(duplicate.POST, admin, "forecast", original, { priority: 11 })).status).toBe(422);
    expect((await post(duplicate.POST, planner, "forecast", original, {})).status).toBe(403);
    expect((await post(duplicate.POST, admin, "forecast", "missing", {})).status).toBe(404);
    expect(await db().jobRun.count({ where: { ownerId: admin.id, queue: "forecast", businessKey: "" } })).toBe(0);
    await queueManager().queue("forecast").obliterate({ force: true });
  });
});
