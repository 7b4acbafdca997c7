import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as reorder from "@/app/api/v1/inventory/reorder/route";
import * as optimizationById from "@/app/api/v1/optimizations/[id]/route";
import * as optimizations from "@/app/api/v1/optimizations/route";
import * as productOverview from "@/app/api/v1/products/[id]/overview/route";
import { db } from "@/lib/db";
import type { JobResult } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { processors } from "@/worker/processors";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestOrganization, createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { createTestNetwork, createTestPurchaseOrder, createTestStock, createTestSupply, type TestNetwork } from "../helpers/inventory-fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { invoke } from "./support";

/**
 * The inventory read API over results the real optimisation worker saved: one result with its
 * inputs, the latest per product, the reorder list against today's stock, and the product page.
 */

let planner: TestUser;
let network: TestNetwork;
let worker: WorkerManager;
let product: { id: string; sku: string; organizationId: string };
let idle: { id: string; sku: string; organizationId: string };
/** Two runs of `product` (the second the latest) and one of `idle`. */
const runs = {} as Record<"first" | "second" | "idle", { jobId: string; result: JobResult<"optimization"> }>;

const code = (warehouse: string) => Object.keys(network.warehouses).find((key) => network.warehouses[key] === warehouse)!;

async function optimise(productId: string, constraints: Record<string, number> = {}) {
  const launched = await enqueueJob({ queue: "optimization", name: "optimise", data: { productId, constraints }, owner: planner.principal });
  if (!launched.ok) throw new Error(launched.code);
  const run = await waitFor(async () => {
    const row = await db().jobRun.findUnique({ where: { id: launched.jobId } });
    if (row?.state === "FAILED") throw new Error(row.failedReason ?? "failed");
    return row?.state === "COMPLETED" ? row : null;
  }, 45_000);
  return { jobId: launched.jobId, result: run.result as JobResult<"optimization"> };
}

async function stockedProduct(seed: number) {
  const created = await createTestProduct(730, seed, { organizationId: planner.organizationId });
  const updated = await db().product.update({ where: { id: created.id }, data: { unitPrice: 40 } });
  await createTestSupply(updated, { leadTimeDays: 10, leadTimeStdDays: 2, orderingCost: 50, holdingCostRate: 0.2, serviceLevel: 0.95 });
  return updated;
}

beforeAll(async () => {
  // An organisation of its own: the reorder list covers every product the organisation optimised.
  const organization = await createTestOrganization("Inventory API");
  planner = await createTestUser("PLANNER", { organizationId: organization.id });
  network = await createTestNetwork(
    organization.id,
    [
      { code: "DC", kind: "CENTRAL", capacity: 100_000 },
      { code: "A", kind: "REGIONAL", capacity: 100_000, demandShare: 0.6 },
      { code: "B", kind: "REGIONAL", capacity: 100_000, demandShare: 0.4 },
    ],
    [
      { from: "DC", to: "A", costPerUnit: 0.2, transitDays: 2 },
      { from: "DC", to: "B", costPerUnit: 0.3, transitDays: 3 },
    ],
  );
  product = await stockedProduct(31);
  idle = await stockedProduct(32);
  // A is out of stock (an older, fuller snapshot shows the latest one counts); B and the DC hold plenty.
  await createTestStock(product, network, "2026-10-30", { DC: 9_000, A: 4_000, B: 9_000 });
  await createTestStock(product, network, "2026-10-31", { DC: 9_000, A: 0, B: 9_000 });
  await createTestPurchaseOrder(product, network, { warehouse: "DC", quantity: 120, expectedDate: "2026-11-20" });
  await createTestPurchaseOrder(product, network, { warehouse: "DC", quantity: 999, expectedDate: "2026-10-01", status: "RECEIVED" });
  await createTestStock(idle, network, "2026-10-31", { DC: 50_000, A: 50_000, B: 50_000 });
  worker = await startTestWorker(["optimization"], processors);
  runs.first = await optimise(product.id);
  runs.idle = await optimise(idle.id);
  runs.second = await optimise(product.id, { orderingCost: 20, serviceLevel: 0.9 });
}, 120_000);

afterAll(async () => {
  await worker.stop(5_000);
});

const as = (user: TestUser) => ({ auth: { apiKey: user.apiKey } });

describe("GET /optimizations/:id", () => {
  it("answers the saved result with its product, the inputs it used and the demand it planned from", async () => {
    const { result } = runs.second;
    const response = await invoke(optimizationById.GET, { path: `/api/v1/optimizations/${result.resultId}`, params: { id: result.resultId }, ...as(planner) });
    expect(response.status, response.text).toBe(200);
    const saved = response.json;
    expect(saved).toMatchObject({
      id: result.resultId,
      jobId: runs.second.jobId,
      product: { id: product.id, sku: product.sku },
      demandSource: "history",
      forecast: null,
      eoq: result.eoq,
      safetyStock: result.safetyStock,
      reorderPoint: result.reorderPoint,
    });
    expect(saved.inputs).toMatchObject({ orderingCost: 20, holdingCostRate: 0.2, leadTimeDays: 10, fromJob: ["orderingCost", "serviceLevel"], demand: { source: "history", days: 365 } });
    expect(saved.inputs.serviceLevel).toBeCloseTo(0.9, 9);
    expect(saved.inputs.network.warehouses).toHaveLength(3);
    // The per-warehouse detail is the run's own, and the allocation lists its shipments by code.
    expect(saved.warehouses).toEqual(result.warehouses);
    const a = result.warehouses.find((warehouse) => code(warehouse.warehouseId) === "A")!;
    expect(a.recommendation.orderNow).toBe(true);
    expect(saved.allocation).toMatchObject({ transportCost: result.allocation.transportCost, fairShare: false });
    expect(saved.allocation.shipments).toEqual([{ from: a.shipments[0]!.from, to: a.code, quantity: a.allocated, cost: expect.closeTo(0.2 * a.allocated, 9) }]);
  });

  it("is 404 for an id that names no result", async () => {
    const response = await invoke(optimizationById.GET, { path: "/api/v1/optimizations/nope", params: { id: "nope" }, ...as(planner) });
    expect(response.status).toBe(404);
  });
});

describe("GET /optimizations", () => {
  it("lists each product's latest result, newest first", async () => {
    const response = await invoke(optimizations.GET, { path: "/api/v1/optimizations", ...as(planner) });
    expect(response.status, response.text).toBe(200);
    expect(response.json.optimizations.map((row: { id: string }) => row.id)).toEqual([runs.second.result.resultId, runs.idle.result.resultId]);
    expect(response.json.optimizations[0]).toMatchObject({ product: { id: product.id, sku: product.sku }, demandSource: "history", warehousesToOrder: 1 });
    expect(response.json.optimizations[1]).toMatchObject({ product: { id: idle.id }, warehousesToOrder: 0 });
  });

  it("lists one product's runs, newest first, with productId", async () => {
    const response = await invoke(optimizations.GET, { path: `/api/v1/optimizations?productId=${product.id}`, ...as(planner) });
    expect(response.json.optimizations.map((row: { jobId: string }) => row.jobId)).toEqual([runs.second.jobId, runs.first.jobId]);
    const limited = await invoke(optimizations.GET, { path: `/api/v1/optimizations?productId=${product.id}&limit=1`, ...as(planner) });
    expect(limited.json.optimizations.map((row: { jobId: string }) => row.jobId)).toEqual([runs.second.jobId]);
  });
});

describe("GET /inventory/reorder", () => {
  it("lists the warehouses to order from the latest policy against today's stock, with quantity and reason", async () => {
    const response = await invoke(reorder.GET, { path: "/api/v1/inventory/reorder", ...as(planner) });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({ today: new Date().toISOString().slice(0, 10), horizonDays: 7 });
    // Only A of the latest run: B, the DC and every warehouse of the idle product hold months of cover.
    const a = runs.second.result.warehouses.find((warehouse) => code(warehouse.warehouseId) === "A")!;
    expect(response.json.lines).toEqual([
      expect.objectContaining({
        product: { id: product.id, sku: product.sku, name: expect.any(String), category: expect.any(String) },
        warehouse: { id: network.warehouses.A, code: a.code, name: expect.any(String), kind: "REGIONAL" },
        resultId: runs.second.result.resultId,
        suppliedFrom: a.suppliedFrom,
        urgency: "order-now",
        onHand: 0,
        onOrder: 0,
        // Nothing on hand or on order: back up to ROP + Q of the saved policy.
        quantity: Math.ceil(a.policy.reorderPoint + a.policy.eoq),
        orderBy: response.json.today,
        reason: expect.stringMatching(/^The inventory position 0 \(0 on hand \+ 0 on order\) is at or below the reorder point of \d/),
      }),
    ]);
  });

  it("follows the stock as it moves: an open order that lifts A above its reorder point takes it off the list", async () => {
    const a = runs.second.result.warehouses.find((warehouse) => code(warehouse.warehouseId) === "A")!;
    const order = await createTestPurchaseOrder(product, network, { warehouse: "A", quantity: Math.ceil(a.policy.reorderPoint + 60 * a.policy.dailyDemand), expectedDate: "2026-12-20" });
    try {
      const response = await invoke(reorder.GET, { path: "/api/v1/inventory/reorder", ...as(planner) });
      expect(response.json.lines).toEqual([]);
    } finally {
      await db().purchaseOrder.delete({ where: { id: order.id } });
    }
  });

  it("counts an order-by date within `days` days as this week, with the order quantity", async () => {
    const b = runs.second.result.warehouses.find((warehouse) => code(warehouse.warehouseId) === "B")!;
    // A newer snapshot puts B's position 3.5 days of demand above its reorder point: it reaches the ROP in 3 whole days.
    const onHand = Math.ceil(b.policy.reorderPoint + 3.5 * b.policy.dailyDemand);
    await createTestStock(product, network, "2026-11-01", { B: onHand });
    try {
      const lineOf = async (days: number) => {
        const response = await invoke(reorder.GET, { path: `/api/v1/inventory/reorder?days=${days}`, ...as(planner) });
        return response.json.lines.find((line: { warehouse: { id: string } }) => line.warehouse.id === network.warehouses.B);
      };
      const today = new Date();
      const inThreeDays = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 3)).toISOString().slice(0, 10);
      expect(await lineOf(7)).toMatchObject({ urgency: "this-week", onHand, orderBy: inThreeDays, quantity: Math.ceil(b.policy.eoq) });
      expect(await lineOf(3)).toMatchObject({ orderBy: inThreeDays });
      expect(await lineOf(2)).toBeUndefined();
    } finally {
      await db().stockSnapshot.deleteMany({ where: { productId: product.id, date: new Date("2026-11-01T00:00:00Z") } });
    }
  });

  it("refuses a horizon outside 0–90 days", async () => {
    const response = await invoke(reorder.GET, { path: "/api/v1/inventory/reorder?days=365", ...as(planner) });
    expect(response.status).toBe(422);
  });
});

describe("GET /products/:id/overview", () => {
  it("gathers the product's sales, stock per warehouse (latest snapshot), open orders and latest policy", async () => {
    const response = await invoke(productOverview.GET, { path: `/api/v1/products/${product.id}/overview?days=30`, params: { id: product.id }, ...as(planner) });
    expect(response.status, response.text).toBe(200);
    const overview = response.json;
    expect(overview).toMatchObject({ id: product.id, sku: product.sku, unitPrice: 40, latestForecast: null });
    expect(overview.supply).toEqual({ supplier: "Test Supplier", leadTimeDays: 10, leadTimeStdDays: 2, orderingCost: 50, holdingCostRate: 0.2, serviceLevel: 0.95 });
    expect(overview.sales).toHaveLength(30);
    expect(overview.sales.at(-1)).toMatchObject({ date: "2026-10-31" });
    expect(Object.fromEntries(overview.stock.map((row: { warehouse: { id: string }; onHand: number; date: string }) => [code(row.warehouse.id), [row.onHand, row.date]]))).toEqual({
      DC: [9_000, "2026-10-31"],
      A: [0, "2026-10-31"],
      B: [9_000, "2026-10-31"],
    });
    expect(overview.openOrders).toEqual([
      expect.objectContaining({ quantity: 120, warehouse: expect.objectContaining({ id: network.warehouses.DC }), from: { kind: "supplier", name: "Test Supplier" }, expectedDate: "2026-11-20" }),
    ]);
    expect(overview.latestPolicy).toMatchObject({ id: runs.second.result.resultId, eoq: runs.second.result.eoq });
  });

  it("carries the latest forecast with its points, for the chart", async () => {
    const forecast = await db().forecast.create({
      data: {
        jobId: `overview-${product.id}`,
        organizationId: product.organizationId,
        productId: product.id,
        horizon: 2,
        models: ["ma"],
        historyStart: new Date(Date.UTC(2024, 10, 1)),
        historyEnd: new Date(Date.UTC(2026, 9, 31)),
        points: { create: [{ date: new Date(Date.UTC(2026, 10, 1)), value: 12, lower: 8, upper: 16 }, { date: new Date(Date.UTC(2026, 10, 2)), value: 13 }] },
      },
    });
    try {
      const response = await invoke(productOverview.GET, { path: `/api/v1/products/${product.id}/overview`, params: { id: product.id }, ...as(planner) });
      expect(response.json.latestForecast).toMatchObject({
        id: forecast.id,
        horizon: 2,
        points: [
          { date: "2026-11-01", value: 12, lower: 8, upper: 16 },
          { date: "2026-11-02", value: 13, lower: null, upper: null },
        ],
      });
      expect(response.json.sales).toHaveLength(180);
    } finally {
      await db().forecast.delete({ where: { id: forecast.id } });
    }
  });

  it("shows a product never stocked or optimised with zeros and nulls, not an error", async () => {
    const bare = await createTestProduct(0, 33, { organizationId: planner.organizationId });
    const response = await invoke(productOverview.GET, { path: `/api/v1/products/${bare.id}/overview`, params: { id: bare.id }, ...as(planner) });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({ supply: null, sales: [], latestForecast: null, latestPolicy: null, openOrders: [] });
    expect(response.json.stock.map((row: { onHand: number; date: string | null }) => [row.onHand, row.date])).toEqual([
      [0, null],
      [0, null],
      [0, null],
    ]);
  });
});
