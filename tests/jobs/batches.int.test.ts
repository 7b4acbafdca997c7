import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as batchById from "@/app/api/v1/batches/[id]/route";
import * as batchRetry from "@/app/api/v1/batches/[id]/retry/route";
import * as forecastBatch from "@/app/api/v1/forecasts/batch/route";
import * as queueBatches from "@/app/api/v1/queues/[queueKey]/batches/route";
import * as forecasts from "@/app/api/v1/forecasts/route";
import { db } from "@/lib/db";
import type { BatchResult } from "@/lib/jobs/batch-contract";
import { enqueueBatch, getBatch, retryBatchFailures } from "@/lib/jobs/batches";
import type { JobResult } from "@/lib/jobs/catalog";
import { queueManager } from "@/lib/jobs/queue-manager";
import { demoProducts, generateDailySales } from "@/lib/demo/sales-generator";
import { forecastProcessor } from "@/worker/processors/forecast.processor";
import { optimizationProcessor } from "@/worker/processors/optimization.processor";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestOrganization, createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { invoke } from "../api/support";

let planner: TestUser;
let colleague: TestUser;
let outsider: TestUser;
let admin: TestUser;
let organizationId: string;
/** A category of three products: two with two years of sales, one with none (its forecast fails). */
const category = `batch-${randomUUID().slice(0, 8)}`;
let withHistory: { id: string; sku: string }[];
let withoutHistory: { id: string; sku: string };
let foreign: { id: string };
let worker: WorkerManager | undefined;

beforeAll(async () => {
  const organization = await createTestOrganization("Batches");
  const other = await createTestOrganization("Batches other");
  organizationId = organization.id;
  [planner, colleague, outsider, admin] = await Promise.all([
    createTestUser("PLANNER", { organizationId }),
    createTestUser("PLANNER", { organizationId }),
    createTestUser("PLANNER", { organizationId: other.id }),
    createTestUser("ADMIN", { organizationId: other.id }),
  ]);
  const made = await Promise.all([createTestProduct(730, 3, { organizationId }), createTestProduct(730, 5, { organizationId }), createTestProduct(0, 6, { organizationId })]);
  await db().product.updateMany({ where: { id: { in: made.map((product) => product.id) } }, data: { category } });
  withHistory = made.slice(0, 2);
  withoutHistory = made[2]!;
  foreign = await createTestProduct(0, 4, { organizationId: other.id });
});

afterAll(async () => {
  await worker?.stop(5_000);
});

const caller = (user: TestUser) => user.principal;

describe("enqueueBatch", () => {
  it("writes the parent and one child per product of the category in one INSERT, linked, and adds them as one flow", async () => {
    const result = await enqueueBatch({ queue: "forecast", scope: { category }, data: { horizon: 14 }, owner: caller(planner) });
    expect(result).toMatchObject({ ok: true, queue: "forecast", children: 3 });
    if (!result.ok) return;
    const parent = await db().jobRun.findUniqueOrThrow({ where: { id: result.batchId } });
    const children = await db().jobRun.findMany({ where: { batchId: result.batchId }, orderBy: { name: "asc" } });
    expect(parent).toMatchObject({ queue: "forecast", name: `batch:category ${category}`, ownerId: planner.id, organizationId, batchId: null, businessKey: `category ${category}` });
    expect(children.map((child) => child.businessKey).sort()).toEqual([...withHistory.map((product) => product.id), withoutHistory.id].sort());
    for (const child of children) expect(child).toMatchObject({ queue: "forecast", ownerId: planner.id, organizationId, state: "WAITING", data: { productId: child.businessKey, horizon: 14, models: ["all"] } });
    // One statement: PostgreSQL's now() is the statement's transaction time, shared by every row it wrote.
    expect(new Set([parent, ...children].map((row) => row.createdAt.getTime())).size).toBe(1);

    const job = await queueManager().getJob("forecast", result.batchId);
    expect(await job!.getState()).toBe("waiting-children");
    expect(await job!.getDependenciesCount()).toMatchObject({ unprocessed: 3 });
    const child = await queueManager().getJob("forecast", children[0]!.id);
    expect(child!.parent?.id).toBe(result.batchId);
    expect(child!.opts).toMatchObject({ attempts: 3, ignoreDependencyOnFailure: true });
  });

  it("resolves { all: true } to every product of the caller's organisation and { productIds } to those named, once each", async () => {
    const all = await enqueueBatch({ queue: "optimization", scope: { all: true }, owner: caller(colleague) });
    expect(all).toMatchObject({ ok: true, children: 3 });
    const named = await enqueueBatch({ queue: "forecast", scope: { productIds: [withHistory[0]!.id, withHistory[0]!.id, withoutHistory.id] }, data: { horizon: 7 }, owner: caller(colleague) });
    expect(named).toMatchObject({ ok: true, children: 2 });
  });

  it("refuses another organisation's product as unknown, an empty category, the product field in the shared data and an invalid one", async () => {
    const foreignNamed = await enqueueBatch({ queue: "forecast", scope: { productIds: [withHistory[0]!.id, foreign.id] }, data: { horizon: 7 }, owner: caller(planner) });
    expect(foreignNamed).toEqual({ ok: false, code: "invalid-payload", issues: [{ path: ["scope", "productIds", 1], message: `no product with id "${foreign.id}"` }] });
    expect(await enqueueBatch({ queue: "forecast", scope: { category }, data: { horizon: 7 }, owner: caller(outsider) })).toMatchObject({ ok: false, code: "invalid-payload" });
    expect(await enqueueBatch({ queue: "forecast", scope: { category }, data: { horizon: 7, productId: foreign.id }, owner: caller(planner) })).toMatchObject({ ok: false, code: "invalid-payload", issues: [{ path: ["data", "productId"] }] });
    expect(await enqueueBatch({ queue: "forecast", scope: { category }, data: { horizon: 0 }, owner: caller(planner) })).toMatchObject({ ok: false, code: "invalid-payload", issues: [{ path: ["data", "horizon"] }] });
    expect(await enqueueBatch({ queue: "export", scope: { all: true }, owner: caller(planner) })).toMatchObject({ ok: false, code: "not-batchable" });
    // Nothing was written for the refused batches.
    expect(await db().jobRun.count({ where: { ownerId: planner.id, name: { startsWith: "batch:" }, data: { path: ["scope", "productIds"], array_contains: [foreign.id] } } })).toBe(0);
  });

  it("lets an admin batch another organisation's named products for that organisation", async () => {
    const result = await enqueueBatch({ queue: "forecast", scope: { productIds: [withHistory[1]!.id] }, data: { horizon: 7 }, owner: caller(admin) });
    expect(result.ok).toBe(true);
    if (result.ok) expect(await db().jobRun.findUniqueOrThrow({ where: { id: result.batchId } })).toMatchObject({ ownerId: admin.id, organizationId });
  });
});

describe("a batch run by the worker", () => {
  let batchId: string;

  it("rolls up once every child has finished, a failed child included: counts, failures with reasons, mean MAPE", async () => {
    const launched = await invoke(forecastBatch.POST, { method: "POST", body: { category, horizon: 14, models: ["ma", "seasonal"] }, auth: { apiKey: planner.apiKey } });
    expect(launched.status, launched.text).toBe(201);
    expect(launched.json).toMatchObject({ queue: "forecast", children: 3, href: `/api/v1/batches/${launched.json.batchId}` });
    batchId = launched.json.batchId;
    worker ??= await startTestWorker(["forecast", "optimization"], { forecast: forecastProcessor, optimization: optimizationProcessor });
    const parent = await waitFor(async () => {
      const row = await db().jobRun.findUnique({ where: { id: batchId } });
      return row?.state === "COMPLETED" ? row : undefined;
    }, 60_000);
    const result = parent.result as BatchResult;
    const children = await db().jobRun.findMany({ where: { batchId } });
    const completed = children.filter((child) => child.state === "COMPLETED");
    const failed = children.find((child) => child.businessKey === withoutHistory.id)!;
    expect(completed).toHaveLength(2);
    expect(failed.state).toBe("FAILED");
    expect(failed.failedReason).toMatch(/days of sales history/);
    const accuracies = completed.map((child) => (child.result as JobResult<"forecast">).accuracy!);
    const mean = Math.round(((accuracies[0]! + accuracies[1]!) / 2) * 100) / 100;
    expect(result).toMatchObject({ success: true, batchId, total: 3, completed: 2, failed: 1, rollup: { forecasts: 2, meanAccuracy: mean }, failures: [{ jobId: failed.id, reason: failed.failedReason }] });

    const view = await getBatch(batchId, planner.principal);
    expect(view).toMatchObject({ batchId, queue: "forecast", state: "completed", total: 3, done: true, counts: { waiting: 0, active: 0, completed: 2, failed: 1 }, rollup: { forecasts: 2, meanAccuracy: mean } });
    expect(view!.failedChildren).toEqual([expect.objectContaining({ jobId: failed.id, productId: withoutHistory.id, sku: withoutHistory.sku, state: "failed", failedReason: failed.failedReason })]);
  });

  it("pages the children, filters them by state, and hides the batch from other planners", async () => {
    const page = await invoke(batchById.GET, { path: `/api/v1/batches/${batchId}?pageSize=2&page=2`, params: { id: batchId }, auth: { apiKey: planner.apiKey } });
    expect(page.status, page.text).toBe(200);
    expect(page.json.children).toMatchObject({ page: 2, pageSize: 2, total: 3 });
    expect(page.json.children.items).toHaveLength(1);
    const failedOnly = await invoke(batchById.GET, { path: `/api/v1/batches/${batchId}?state=failed`, params: { id: batchId }, auth: { apiKey: planner.apiKey } });
    expect(failedOnly.json.children.items.map((child: { productId: string }) => child.productId)).toEqual([withoutHistory.id]);
    for (const user of [outsider, colleague]) {
      const hidden = await invoke(batchById.GET, { path: `/api/v1/batches/${batchId}`, params: { id: batchId }, auth: { apiKey: user.apiKey } });
      expect(hidden.status).toBe(404);
    }
    const single = await invoke(forecasts.POST, { method: "POST", body: { productId: withHistory[0]!.id, horizon: 7 }, auth: { apiKey: planner.apiKey } });
    // A job that is no batch is no batch to this endpoint; the single-job form still answers as documented.
    expect(single.json).toMatchObject({ queue: "forecast", state: "waiting", productId: withHistory[0]!.id, deduplicated: false });
    expect((await invoke(batchById.GET, { path: "/", params: { id: single.json.jobId }, auth: { apiKey: planner.apiKey } })).status).toBe(404);
  });

  it("retries the failed children from the batch; the batch's counts and roll-up follow them", async () => {
    expect(await retryBatchFailures(batchId, outsider.principal)).toEqual({ ok: false, code: "batch-not-found" });
    // The product gets its sales history, as an import would give it.
    const end = new Date(Date.UTC(2026, 9, 31));
    await db().salesDaily.createMany({
      data: generateDailySales(demoProducts(1, 6)[0]!.profile, end, 365, 6).map((row) => ({ organizationId, productId: withoutHistory.id, date: row.date, quantity: row.quantity })),
    });
    const retried = await invoke(batchRetry.POST, { method: "POST", params: { id: batchId }, auth: { apiKey: planner.apiKey } });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json).toEqual({ batchId, retried: 1, notRetried: [] });
    const view = await waitFor(async () => {
      const current = await getBatch(batchId, planner.principal);
      return current?.counts.completed === 3 ? current : undefined;
    }, 60_000);
    expect(view).toMatchObject({ done: true, counts: { completed: 3, failed: 0 }, rollup: { forecasts: 3 }, failedChildren: [] });
    const again = await invoke(batchRetry.POST, { method: "POST", params: { id: batchId }, auth: { apiKey: planner.apiKey } });
    expect(again.json).toMatchObject({ retried: 0 });
  });

  it("runs an optimisation batch given as the optimisation payload's multi-product form", async () => {
    const launched = await invoke(queueBatches.POST, {
      method: "POST",
      params: { queueKey: "optimization" },
      body: { scope: { productIds: withHistory.map((product) => product.id) }, data: { constraints: { serviceLevel: 0.95 } } },
      auth: { apiKey: planner.apiKey },
    });
    expect(launched.status, launched.text).toBe(201);
    const parent = await waitFor(async () => {
      const row = await db().jobRun.findUnique({ where: { id: launched.json.batchId } });
      return row && ["COMPLETED", "FAILED"].includes(row.state) ? row : undefined;
    }, 60_000);
    expect(parent.state, parent.failedReason ?? "").toBe("COMPLETED");
    const result = parent.result as BatchResult;
    expect(result.total).toBe(2);
    expect(result.completed + result.failed).toBe(2);
    expect(result.rollup).toMatchObject({ policies: result.completed });
    const foreignNamed = await invoke(queueBatches.POST, { method: "POST", params: { queueKey: "optimization" }, body: { scope: { productIds: [foreign.id] } }, auth: { apiKey: planner.apiKey } });
    expect(foreignNamed.status).toBe(422);
    expect(foreignNamed.json.error.details).toEqual([{ path: "body.scope.productIds.0", message: `no product with id "${foreign.id}"` }]);
    const flatForeign = await invoke(forecastBatch.POST, { method: "POST", body: { productIds: [foreign.id], horizon: 7 }, auth: { apiKey: planner.apiKey } });
    expect(flatForeign.status).toBe(422);
    expect(flatForeign.json.error.details).toEqual([{ path: "body.productIds.0", message: `no product with id "${foreign.id}"` }]);
    const twoScopes = await invoke(forecastBatch.POST, { method: "POST", body: { category, all: true, horizon: 7 }, auth: { apiKey: planner.apiKey } });
    expect(twoScopes.status).toBe(422);
  });
});
