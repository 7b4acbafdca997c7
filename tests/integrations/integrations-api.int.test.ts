import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as collection from "@/app/api/v1/integrations/route";
import * as one from "@/app/api/v1/integrations/[id]/route";
import * as syncRoute from "@/app/api/v1/integrations/[id]/sync/route";
import * as testRoute from "@/app/api/v1/integrations/[id]/test/route";
import * as webhooks from "@/app/api/v1/integrations/[id]/webhooks/route";
import { db } from "@/lib/db";
import { maintenanceQueue } from "@/lib/bulk-actions/maintenance-queue";
import { queueManager } from "@/lib/jobs/queue-manager";
import { runScheduleTick } from "@/lib/schedules/run-schedule-tick";
import { FakeShopify, signWebhook } from "@/scripts/fakes/shopify";
import { syncProcessor } from "@/worker/processors/sync.processor";
import type { WorkerManager } from "@/worker/worker-manager";
import { call, createTestOrganization, createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { createCatalogue } from "./helpers";

const TOKEN = "shpat_very-secret-token-0123456789";

/** Every log line of the worker and of the API, to check that no credential is ever written. */
const logLines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

describe("integrations API", () => {
  let admin: TestUser;
  let planner: TestUser;
  let fake: FakeShopify;
  let worker: WorkerManager;
  const responses: string[] = [];

  beforeAll(async () => {
    (globalThis as { __capliquifyLogger?: pino.Logger }).__capliquifyLogger = pino({ level: "trace" }, capture);
    const organization = await createTestOrganization("Integrations API");
    admin = await createTestUser("ADMIN", { organizationId: organization.id });
    planner = await createTestUser("PLANNER", { organizationId: organization.id });
    await createCatalogue(organization.id, ["API-1"]);
    fake = new FakeShopify({ accessToken: TOKEN });
    await fake.start();
    fake.addOrder({ createdAt: new Date(Date.now() - 86_400_000), lines: [{ sku: "API-1", quantity: 3 }] });
    worker = await startTestWorker(["sync"], { sync: syncProcessor }, { logger: pino({ level: "trace" }, capture) });
  });
  afterAll(async () => {
    await worker?.stop();
    await fake?.stop();
    delete (globalThis as { __capliquifyLogger?: pino.Logger }).__capliquifyLogger;
  });

  /** A route call whose answer is kept, so the last test can look for the token in every one. */
  async function send(...args: Parameters<typeof call>) {
    const answer = await call(...args);
    responses.push(answer.text);
    return answer;
  }

  const create = (user: TestUser, body: unknown) => send(collection.POST, { method: "POST", path: "/api/v1/integrations", body, auth: { apiKey: user.apiKey } });
  const shop = (settings: Record<string, unknown> = {}) => ({ kind: "SHOPIFY", name: "Demo shop", baseUrl: fake.baseUrl, credentials: { accessToken: TOKEN }, settings });

  it("lets admins add an integration whose credentials are sealed and never returned; planners only read", async () => {
    expect((await create(planner, shop())).status).toBe(403);
    const bad = await create(admin, { ...shop(), baseUrl: "ftp://shop" });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0].path).toBe("body.baseUrl");

    const created = await create(admin, shop());
    expect(created.status).toBe(201);
    const integration = created.json.integration;
    expect(integration).toMatchObject({
      kind: "SHOPIFY",
      name: "Demo shop",
      baseUrl: fake.baseUrl,
      status: "ACTIVE",
      settings: { syncIntervalMinutes: null },
      lastSyncAt: null,
      lastSuccessAt: null,
      lastError: null,
      nextSyncAt: null,
      webhookUrl: `http://localhost:3000/api/v1/integrations/${integration.id}/webhooks`,
      hasCredentials: true,
    });
    expect(integration.webhookSecret).toEqual(expect.any(String));
    expect(integration).not.toHaveProperty("credentials");
    const row = await db().integration.findUniqueOrThrow({ where: { id: integration.id } });
    expect(row.credentials).not.toContain(TOKEN);

    const listed = await send(collection.GET, { path: "/api/v1/integrations", auth: { apiKey: planner.apiKey } });
    expect(listed.json.integrations.map((item: { id: string }) => item.id)).toContain(integration.id);
    expect(listed.json.integrations[0]).not.toHaveProperty("webhookSecret");
    const other = await createTestUser("PLANNER", { organizationId: (await createTestOrganization("Other")).id });
    expect((await send(one.GET, { path: `/api/v1/integrations/${integration.id}`, params: { id: integration.id }, auth: { apiKey: other.apiKey } })).status).toBe(404);
  });

  it("checks the connection, marks a refused token as needing attention and clears it with new credentials", async () => {
    const { integration } = (await create(admin, shop())).json;
    const test = () => send(testRoute.POST, { method: "POST", path: `/api/v1/integrations/${integration.id}/test`, params: { id: integration.id }, auth: { apiKey: admin.apiKey } });
    expect((await test()).json).toEqual({ ok: true, accountName: "Demo shop", status: "ACTIVE" });

    const patch = (body: unknown) => send(one.PATCH, { method: "PATCH", path: `/api/v1/integrations/${integration.id}`, params: { id: integration.id }, body, auth: { apiKey: admin.apiKey } });
    await patch({ credentials: { accessToken: "shpat_wrong" } });
    const refused = (await test()).json;
    expect(refused).toMatchObject({ ok: false, status: "NEEDS_ATTENTION" });
    expect(refused.message).toMatch(/HTTP 401/);
    const fixed = await patch({ credentials: { accessToken: TOKEN } });
    expect(fixed.json.integration).toMatchObject({ status: "ACTIVE", lastError: null });
  });

  it("schedules syncs at the interval, pauses them while disabled and removes them without an interval", async () => {
    const { integration } = (await create(admin, shop({ syncIntervalMinutes: 60 }))).json;
    expect(integration.nextSyncAt).not.toBeNull();
    const row = await db().integration.findUniqueOrThrow({ where: { id: integration.id }, select: { scheduleId: true } });
    const schedule = await db().schedule.findUniqueOrThrow({ where: { id: row.scheduleId! } });
    expect(schedule).toMatchObject({ queue: "sync", everyMs: 3_600_000, paused: false, organizationId: admin.organizationId });
    expect(schedule.data).toMatchObject({ integrationId: integration.id, force: false });

    const patch = (body: unknown) => send(one.PATCH, { method: "PATCH", path: `/api/v1/integrations/${integration.id}`, params: { id: integration.id }, body, auth: { apiKey: admin.apiKey } });
    // A tick of the schedule (what the maintenance worker runs) starts a sync of the integration for its organisation.
    const tick = await runScheduleTick(schedule.id, `repeat:schedule:${schedule.id}:1`, { schedulerQueue: maintenanceQueue() });
    expect(tick).toMatchObject({ started: "job" });
    const run = await db().jobRun.findUniqueOrThrow({ where: { id: (tick as { jobId: string }).jobId } });
    expect(run).toMatchObject({ queue: "sync", organizationId: admin.organizationId, ownerId: admin.id });

    expect((await patch({ status: "DISABLED" })).json.integration).toMatchObject({ status: "DISABLED", nextSyncAt: null });
    expect((await db().schedule.findUniqueOrThrow({ where: { id: schedule.id } })).paused).toBe(true);
    expect((await patch({ status: "ACTIVE", settings: { syncIntervalMinutes: null } })).json.integration).toMatchObject({ status: "ACTIVE", nextSyncAt: null, settings: { syncIntervalMinutes: null } });
    expect(await db().schedule.findUnique({ where: { id: schedule.id } })).toBeNull();
  });

  it("starts a sync now, and the same sync again answers with the job already waiting", async () => {
    const { integration } = (await create(admin, shop())).json;
    const start = () => send(syncRoute.POST, { method: "POST", path: `/api/v1/integrations/${integration.id}/sync`, params: { id: integration.id }, body: { dataTypes: ["orders"] }, auth: { apiKey: admin.apiKey } });
    const first = await start();
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ queue: "sync", deduplicated: false });
    const jobId = first.json.jobId;
    await waitFor(async () => (await (await queueManager().getJob("sync", jobId))?.getState()) === "completed", 30_000);
    const done = await queueManager().getJob("sync", jobId);
    expect(done!.returnvalue).toMatchObject({ success: true, orders: { read: 1, written: 1 }, unknownSkus: 0 });
    expect((await send(syncRoute.POST, { method: "POST", path: "/x", params: { id: integration.id }, body: {}, auth: { apiKey: planner.apiKey } })).status).toBe(403);
  });

  it("rejects a wrong signature, deduplicates a replayed delivery and makes a burst of webhooks one sync", async () => {
    const { integration } = (await create(admin, shop())).json;
    const url = `/api/v1/integrations/${integration.id}/webhooks`;
    const deliver = (body: string, headers: Record<string, string>) => send(webhooks.POST, { method: "POST", path: url, params: { id: integration.id }, rawBody: body, headers });
    const body = JSON.stringify({ id: 4242, updated_at: new Date().toISOString() });
    const headers = (deliveryId: string, signature = signWebhook(body, integration.webhookSecret)) => ({
      "x-shopify-hmac-sha256": signature,
      "x-shopify-webhook-id": deliveryId,
      "x-shopify-topic": "orders/updated",
    });

    expect((await deliver(body, headers("d-0", signWebhook(body, "not-the-secret")))).status).toBe(401);
    // Signed over other bytes (the same JSON re-serialised with a space) is refused too.
    expect((await deliver(body.replace(":", ": "), headers("d-0"))).status).toBe(401);

    const first = await deliver(body, headers("d-1"));
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ received: true, duplicate: false, deduplicated: false });
    const jobId = first.json.jobId;
    const job = await queueManager().getJob("sync", jobId);
    expect(await job!.getState()).toBe("delayed");
    expect(job!.data).toMatchObject({ integrationId: integration.id, dataTypes: ["orders"], force: false });

    for (let replay = 0; replay < 3; replay++) expect((await deliver(body, headers("d-1"))).json).toEqual({ received: true, duplicate: true });
    for (let index = 2; index < 6; index++) expect((await deliver(body, headers(`d-${index}`))).json).toMatchObject({ duplicate: false, jobId, deduplicated: true });
    expect((await queueManager().queue("sync").getJobs(["delayed", "waiting", "active", "completed"])).filter((candidate) => candidate.data.integrationId === integration.id)).toHaveLength(1);

    // After the debounce the one sync runs and pulls the orders.
    await waitFor(async () => (await (await queueManager().getJob("sync", jobId))?.getState()) === "completed", 30_000);
    expect((await queueManager().getJob("sync", jobId))!.returnvalue).toMatchObject({ success: true, orders: { read: 1 } });
  });

  it("never puts the credentials in an answer, the ledger, the audit log or a log line", async () => {
    // A run that fails on the credentials writes its reason to the job, the ledger and the logs.
    const { integration } = (await create(admin, shop())).json;
    fake.rotateToken("shpat_rotated");
    const started = await send(syncRoute.POST, { method: "POST", path: "/x", params: { id: integration.id }, body: { force: true }, auth: { apiKey: admin.apiKey } });
    await waitFor(async () => (await (await queueManager().getJob("sync", started.json.jobId))?.getState()) === "failed", 30_000);
    fake.rotateToken(TOKEN);

    const everything = [
      ...responses,
      ...logLines,
      JSON.stringify(await db().jobRun.findMany({ where: { queue: "sync" } })),
      JSON.stringify(await db().auditLog.findMany({ where: { target: { startsWith: "integration/" } } })),
      JSON.stringify(await db().integration.findMany()),
    ].join("\n");
    expect(logLines.length).toBeGreaterThan(0);
    expect(everything).toContain("refused the credentials");
    expect(everything).not.toContain(TOKEN);
  });
});
