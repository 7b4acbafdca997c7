import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as notifications from "@/app/api/v1/notifications/route";
import * as read from "@/app/api/v1/notifications/read/route";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { describeFinishedJob, notifyJobFinished, notifyJobsFinished } from "@/lib/inbox/job-notifications";
import type { WorkerManager } from "@/worker/worker-manager";
import { call, createTestOrganization, createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { expectErrorShape, SAME_ORIGIN } from "./support";
import { documentedResult } from "../helpers/documented-jobs";

/** The bell's data: notifications written when a user's job finishes, listed and marked read per user. */
let planner: TestUser;
let otherPlanner: TestUser;

beforeAll(async () => {
  [planner, otherPlanner] = await Promise.all([createTestUser("PLANNER"), createTestUser("PLANNER")]);
});

const list = (user: TestUser, query = "") => call(notifications.GET, { path: `/api/v1/notifications${query}`, auth: { apiKey: user.apiKey } });
const markRead = (user: TestUser, body: unknown) => call(read.POST, { method: "POST", path: "/api/v1/notifications/read", body, auth: { apiKey: user.apiKey } });

const tag = randomUUID().slice(0, 6);
let bearing: { id: string; sku: string };

beforeAll(async () => {
  bearing = await db().product.create({ data: { organizationId: planner.organizationId, sku: `BEA-${tag}`, name: "Ball bearing", category: "Bearings", unitCost: 3 } });
});

/** A forecast of the bearing that finished, as the worker reports it (the job name is the domain endpoint's). */
async function finished(owner: TestUser | null, status: "completed" | "failed" = "completed", message = status === "completed" ? "Complete" : "Product has no sales") {
  const jobId = randomUUID();
  await db().jobRun.create({
    data: { id: jobId, queue: "forecast", name: `forecast:${bearing.sku}`, ownerId: owner?.id ?? null, organizationId: owner?.organizationId, businessKey: bearing.id, data: {}, state: status === "completed" ? "COMPLETED" : "FAILED" },
  });
  await notifyJobFinished(db(), { jobId, queue: "forecast", name: `forecast:${bearing.sku}`, ownerId: owner?.id ?? null, status, message });
  return jobId;
}

describe("notifyJobFinished", () => {
  it("writes one notification for the owner, linked to the job", async () => {
    const user = await createTestUser("PLANNER");
    const jobId = await finished(user, "failed");
    const rows = await db().notification.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "job.failed", title: "Demand forecast failed", body: `${bearing.sku}: Product has no sales`, jobId, readAt: null });
    // Stored in UTC like every other timestamp: within seconds of now.
    expect(Math.abs(rows[0]!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("jobs nobody owns notify nobody", async () => {
    const before = await db().notification.count();
    await finished(null);
    expect(await db().notification.count()).toBe(before);
  });

  it("names the run's subject as the owner's organisation knows it, else the job name", async () => {
    const user = await createTestUser("PLANNER");
    const elsewhere = await createTestOrganization();
    const foreign = await db().product.create({ data: { organizationId: elsewhere.id, sku: `FOR-${tag}`, name: "Not theirs", category: "Other", unitCost: 1 } });
    const runs = [
      { queue: "forecast", name: "my own name", businessKey: bearing.id },
      { queue: "optimization", name: "optimise", businessKey: foreign.id },
      { queue: "export", name: "export-products", businessKey: "products" },
      { queue: "export", name: "no subject recorded", businessKey: null },
    ];
    const jobIds: string[] = [];
    for (const run of runs) {
      const jobId = randomUUID();
      jobIds.push(jobId);
      await db().jobRun.create({ data: { id: jobId, ...run, ownerId: user.id, organizationId: user.organizationId, data: {}, state: "COMPLETED" } });
    }
    await notifyJobsFinished(db(), runs.map((run, index) => ({ jobId: jobIds[index]!, queue: run.queue as "forecast", name: run.name, ownerId: user.id, status: "completed", message: "Complete" })));
    const bodies = new Map((await db().notification.findMany({ where: { userId: user.id } })).map((row) => [row.jobId, row.body]));
    // A product of another organisation is shown as its id, never by its SKU.
    expect(jobIds.map((jobId) => bodies.get(jobId))).toEqual([bearing.sku, foreign.id, "products", "no subject recorded"]);
  });

  it("says what finished in words", () => {
    expect(describeFinishedJob({ queue: "export", name: "export-products", status: "completed", message: "Complete" })).toEqual({ title: "Data export completed", body: "export-products" });
    expect(describeFinishedJob({ queue: "forecast", name: "forecast:X", subject: "BEA-1", status: "failed", message: " no sales " })).toEqual({ title: "Demand forecast failed", body: "BEA-1: no sales" });
    expect(describeFinishedJob({ queue: "import", name: "import", status: "failed", message: "x".repeat(2000) }).body.length).toBeLessThanOrEqual(500);
  });
});

describe("GET /api/v1/notifications", () => {
  it("lists the caller's own, newest first, with the unread count and each job's queue", async () => {
    const first = await finished(planner);
    const second = await finished(planner, "failed");
    await finished(otherPlanner);
    const response = await list(planner);
    expect(response.status, response.text).toBe(200);
    expect(response.json.notifications.map((n: { jobId: string }) => n.jobId)).toEqual([second, first]);
    expect(response.json.unreadCount).toBe(2);
    expect(response.json.notifications[0]).toMatchObject({ kind: "job.failed", queue: "forecast", readAt: null, title: "Demand forecast failed", link: null });
    expect(response.json.notifications[0].createdAt).toMatch(/Z$/);
    expect(response.json.nextCursor).toBeNull();
    const theirs = await list(otherPlanner);
    expect(theirs.json.notifications).toHaveLength(1);
    expect(theirs.json.unreadCount).toBe(1);
  });

  it("leads a completed job to its result page when its queue has one", async () => {
    const user = await createTestUser("PLANNER");
    const jobId = await finished(user);
    await db().jobRun.update({ where: { id: jobId }, data: { result: documentedResult("forecast") } });
    const [notification] = (await list(user)).json.notifications;
    expect(notification).toMatchObject({ jobId, link: `/forecasts?job=${jobId}` });
  });

  it("pages through a cursor and filters unread", async () => {
    const user = await createTestUser("PLANNER");
    const jobs: string[] = [];
    for (let index = 0; index < 5; index++) jobs.push(await finished(user));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await list(user, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status, response.text).toBe(200);
      seen.push(...response.json.notifications.map((n: { jobId: string }) => n.jobId));
      cursor = response.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...jobs].reverse());

    const [newest] = (await list(user)).json.notifications;
    await markRead(user, { ids: [newest.id] });
    const unread = await list(user, "?unread=1&limit=100");
    expect(unread.json.notifications).toHaveLength(4);
    expect(unread.json.notifications.map((n: { id: string }) => n.id)).not.toContain(newest.id);
  });

  it("answers 401 without credentials and 422 for a bad cursor or limit", async () => {
    expect((await call(notifications.GET, { path: "/api/v1/notifications" })).status).toBe(401);
    const cursor = await list(planner, "?cursor=zzz");
    expect(cursor.status).toBe(422);
    expect(cursor.json.error.details[0].path).toBe("query.cursor");
    const limit = await list(planner, "?limit=1000");
    expect(limit.status).toBe(422);
    expectErrorShape(limit.json, "unprocessable-entity");
    expect(limit.json.error.details[0].path).toBe("query.limit");
  });
});

describe("POST /api/v1/notifications/read", () => {
  it("marks the given ones read, and never another user's", async () => {
    const user = await createTestUser("PLANNER");
    await finished(user);
    await finished(user);
    const other = await finished(otherPlanner);
    const otherId = (await db().notification.findFirstOrThrow({ where: { jobId: other } })).id;
    const [newest] = (await list(user)).json.notifications;

    const response = await markRead(user, { ids: [newest.id, otherId, "does-not-exist"] });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({ updated: 1, unreadCount: 1 });
    expect((await db().notification.findUniqueOrThrow({ where: { id: otherId } })).readAt).toBeNull();
    const after = await list(user);
    expect(after.json.notifications[0].readAt).not.toBeNull();
    expect(after.json.unreadCount).toBe(1);
  });

  it("marks all read", async () => {
    const user = await createTestUser("PLANNER");
    await finished(user);
    await finished(user, "failed");
    expect((await markRead(user, { all: true })).json).toEqual({ updated: 2, unreadCount: 0 });
    expect((await list(user)).json.unreadCount).toBe(0);
    expect((await markRead(user, { all: true })).json).toEqual({ updated: 0, unreadCount: 0 });
  });

  it("refuses a body that says neither, or both, with a message that says what to send", async () => {
    for (const body of [{}, { ids: [] }, { all: false }, { ids: ["a"], all: true }, { ids: "a" }]) {
      const response = await markRead(planner, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expectErrorShape(response.json, "unprocessable-entity");
    }
    expect((await markRead(planner, {})).json.error.message).toContain('"all": true');
  });

  it("a browser session must be same-origin", async () => {
    const crossSite = await call(read.POST, { method: "POST", body: { all: true }, auth: { cookie: planner.cookie }, headers: { origin: "https://evil.example" } });
    expect(crossSite.status).toBe(403);
    expect((await list(planner)).json.unreadCount).toBeGreaterThan(0);
    const sameOrigin = await call(read.POST, { method: "POST", body: { all: true }, auth: { cookie: planner.cookie }, headers: SAME_ORIGIN });
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.json.unreadCount).toBe(0);
  });
});

describe("through the worker", () => {
  let manager: WorkerManager | undefined;
  afterAll(async () => {
    await manager?.stop();
  });

  it("a job that completes and one that fails for good each notify their owner", async () => {
    const user = await createTestUser("PLANNER");
    manager = await startTestWorker(["export"], {
      export: {
        async run(job) {
          // Unrecoverable: fails for good at once instead of after three attempts with backoff.
          if (job.data.format === "pdf") throw new UnrecoverableError("PDF export is not available");
          return documentedResult("export");
        },
      },
    });
    const ok = await enqueueJob({ queue: "export", name: "export-products", data: { entity: "products", format: "csv" }, owner: user });
    const bad = await enqueueJob({ queue: "export", name: "export-products", data: { entity: "products", format: "pdf" }, owner: user });
    expect(ok.ok && bad.ok).toBe(true);
    const rows = await waitFor(async () => {
      const found = await db().notification.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
      return found.length >= 2 ? found : null;
    }, 30_000);
    expect(rows.map((row) => [row.kind, row.title]).sort()).toEqual([
      ["job.completed", "Data export completed"],
      ["job.failed", "Data export failed"],
    ]);
    // The export's subject is the entity it exports.
    expect(rows.map((row) => row.body).sort()).toEqual(["products", "products: PDF export is not available"]);
  }, 60_000);
});
