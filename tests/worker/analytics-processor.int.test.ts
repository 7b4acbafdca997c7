import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveReport } from "@/lib/analytics/report-store";
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db";
import type { AnalyticsType, JobPayloadInput } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { processors } from "@/worker/processors";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestOrganization, createTestUser } from "../helpers/fixtures";
import { createTestNetwork, type TestNetwork } from "../helpers/inventory-fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";

/**
 * The analytics worker against hand-built rows: each report's category holds products made for
 * one published worked example (or counted by hand), and the real processor runs the real SQL.
 * Every product of the organisation sits in one regional warehouse W (demand share 1) supplied
 * from a central DC along one lane.
 */
let owner: Principal;
let organizationId: string;
let network: TestNetwork;
let worker: WorkerManager;
const token = randomUUID().slice(0, 8);

beforeAll(async () => {
  organizationId = (await createTestOrganization("Analytics")).id;
  owner = (await createTestUser("PLANNER", { organizationId })).principal;
  network = await createTestNetwork(
    organizationId,
    [
      { code: "DC", kind: "CENTRAL", capacity: 10_000_000 },
      { code: "W", kind: "REGIONAL", capacity: 10_000_000, demandShare: 1 },
    ],
    [{ from: "DC", to: "W", costPerUnit: 0.5 }],
  );
  worker = await startTestWorker(["analytics"], processors);
});

afterAll(async () => {
  await worker.stop(5_000);
});

async function product(category: string, { unitCost, unitPrice = 0, organization = organizationId }: { unitCost: number; unitPrice?: number; organization?: string }) {
  return db().product.create({ data: { organizationId: organization, sku: `${category}-${randomUUID().slice(0, 8)}`, name: `${category} product`, category: `${category}-${token}`, unitCost, unitPrice } });
}

/** One sales row per day given, in one statement. */
async function sales(productId: string, rows: Record<string, number>, organization = organizationId) {
  await db().$executeRaw`
    INSERT INTO "SalesDaily" ("organizationId", "productId", "date", "quantity")
    SELECT ${organization}, ${productId}, d::date, q FROM unnest(${Object.keys(rows)}::text[], ${Object.values(rows)}::int[]) AS r(d, q)`;
}

/** Snapshots of a product at a warehouse (by code) for every day from..to with the same on hand. */
async function dailyStock(productId: string, warehouse: string, from: string, to: string, onHand: number, organization = organizationId, warehouseId = network.warehouses[warehouse]!) {
  await db().$executeRaw`
    INSERT INTO "StockSnapshot" ("organizationId", "productId", "warehouseId", "date", "onHand", "unfilled")
    SELECT ${organization}, ${productId}, ${warehouseId}, d::date, ${onHand}, 0 FROM generate_series(${from}::date, ${to}::date, interval '1 day') AS d
    ON CONFLICT ("productId", "warehouseId", "date") DO UPDATE SET "onHand" = EXCLUDED."onHand"`;
}

async function stockOn(productId: string, warehouse: string, date: string, onHand: number, unfilled = 0) {
  await db().$executeRaw`
    INSERT INTO "StockSnapshot" ("organizationId", "productId", "warehouseId", "date", "onHand", "unfilled")
    VALUES (${organizationId}, ${productId}, ${network.warehouses[warehouse]!}, ${date}::date, ${onHand}, ${unfilled})
    ON CONFLICT ("productId", "warehouseId", "date") DO UPDATE SET "onHand" = EXCLUDED."onHand", "unfilled" = EXCLUDED."unfilled"`;
}

type Params = JobPayloadInput<"analytics">["params"];

/** Runs a report through the queue and the worker; returns the saved report. */
async function report(type: AnalyticsType, params: Params, caller = owner) {
  const launched = await enqueueJob({ queue: "analytics", name: `analytics:${type}`, data: { type, params }, owner: caller });
  if (!launched.ok) throw new Error(`${launched.code}: ${"message" in launched ? launched.message : ""}`);
  const run = await waitFor(async () => {
    const found = await db().jobRun.findUnique({ where: { id: launched.jobId } });
    return found && ["COMPLETED", "FAILED"].includes(found.state) ? found : null;
  }, 45_000);
  if (run.state !== "COMPLETED") return { run, report: null, body: null as any };
  const result = run.result as { reportId: string; type: string; success: boolean };
  expect(result).toMatchObject({ success: true, type });
  const saved = await db().analyticsReport.findUniqueOrThrow({ where: { id: result.reportId } });
  expect(saved).toMatchObject({ jobId: run.id, organizationId: params.organizationId ?? organizationId, type });
  return { run, report: saved, body: saved.body as any };
}

const YEAR = { startDate: "2025-01-01", endDate: "2025-12-31" };
/** Every day of 2025 from the 1st of a month on, `count` days. */
const days = (from: string, count: number) => Array.from({ length: count }, (_, index) => new Date(Date.parse(`${from}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10));

describe("inventory-turnover", () => {
  it("COGS 600,000 over an average inventory of 120,000 (daily snapshots) is 5 turns, 73 days of inventory", async () => {
    const item = await product("turn", { unitCost: 10, unitPrice: 15 });
    // 12,000 units at 10 on hand every day of the year; 60,000 units sold (300 days of 200).
    await dailyStock(item.id, "W", "2025-01-01", "2025-12-31", 12_000);
    await sales(item.id, Object.fromEntries(days("2025-01-01", 300).map((day) => [day, 200])));
    // Another organisation's product in a category of the same name: never read.
    const foreign = await createTestOrganization("Analytics other");
    const theirs = await product("turn", { unitCost: 10, organization: foreign.id });
    await sales(theirs.id, { "2025-03-01": 1_000_000 }, foreign.id);

    const { body } = await report("inventory-turnover", { ...YEAR, category: item.category });
    expect(body.total).toMatchObject({ cogs: 600_000, averageInventory: 120_000, turns: 5, daysOfInventory: 73 });
    expect(body.products).toHaveLength(1);
    expect(body.products[0]).toMatchObject({ productId: item.id, unitsSold: 60_000, turns: 5 });
    expect(body.byCategory).toEqual([expect.objectContaining({ category: item.category, products: 1, turns: 5, daysOfInventory: 73 })]);
    const w = body.byWarehouse.find((row: any) => row.warehouseId === network.warehouses.W);
    expect(w).toMatchObject({ kind: "REGIONAL", demandShare: 1, cogs: 600_000, averageInventory: 120_000, turns: 5 });
    // The DC holds none of it, so its turns are unknown rather than infinite.
    expect(body.byWarehouse.find((row: any) => row.warehouseId === network.warehouses.DC)).toMatchObject({ averageInventory: 0, turns: null });
  });

  it("with begin 90,000 and end 110,000 (average of the ends) COGS 600,000 is 6.0 turns, 60.8 days", async () => {
    const item = await product("ends", { unitCost: 10 });
    await dailyStock(item.id, "W", "2025-01-01", "2025-12-31", 500);
    await stockOn(item.id, "W", "2025-01-01", 9_000);
    await stockOn(item.id, "W", "2025-12-31", 11_000);
    await sales(item.id, Object.fromEntries(days("2025-02-01", 200).map((day) => [day, 300])));
    const { body } = await report("inventory-turnover", { ...YEAR, category: item.category, averageInventory: "begin-end" });
    expect(body.total).toMatchObject({ cogs: 600_000, averageInventory: 100_000, turns: 6 });
    expect(body.total.daysOfInventory).toBeCloseTo(60.8, 1);
  });
});

describe("gmroi", () => {
  it("revenue 100 m, COGS 35 m (margin 65 m) over an average inventory at cost of 20 m is 3.25", async () => {
    const item = await product("gmroi", { unitCost: 35, unitPrice: 100 });
    // 1,000,000 units sold; on hand over 7 days adds up to 4,000,000 units: 4,000,000 / 7 × 35 = 20 m.
    await sales(item.id, Object.fromEntries(days("2025-02-01", 5).map((day) => [day, 200_000])));
    for (const [index, day] of days("2025-02-01", 7).entries()) await stockOn(item.id, "W", day, index === 6 ? 571_432 : 571_428);
    const { body } = await report("gmroi", { startDate: "2025-02-01", endDate: "2025-02-07", category: item.category });
    expect(body.total).toMatchObject({ revenue: 100_000_000, cogs: 35_000_000, grossMargin: 65_000_000, grossMarginRate: 0.65 });
    expect(body.total.averageInventory).toBeCloseTo(20_000_000, 4);
    expect(body.total.gmroi).toBeCloseTo(3.25, 9);
  });
});

describe("service and stockout-rate", () => {
  it("100 of 2,000 SKUs at zero is a 5 % stock-out rate; central DCs do not count", async () => {
    const category = `stockout-${token}`;
    await db().$executeRaw`
      INSERT INTO "Product" ("id", "organizationId", "sku", "name", "category", "unitCost")
      SELECT ${`so-${token}-`} || n, ${organizationId}, ${`SO-${token}-`} || n, 'Stock-out product', ${category}, 1 FROM generate_series(1, 2000) AS n`;
    // On the last day, products 1–100 are at zero in W; every one is at zero in the DC.
    await db().$executeRaw`
      INSERT INTO "StockSnapshot" ("organizationId", "productId", "warehouseId", "date", "onHand", "unfilled")
      SELECT ${organizationId}, ${`so-${token}-`} || n, w.id, DATE '2025-03-31', CASE WHEN w.id = ${network.warehouses.DC!} OR n <= 100 THEN 0 ELSE 7 END, 0
      FROM generate_series(1, 2000) AS n CROSS JOIN (VALUES (${network.warehouses.W!}), (${network.warehouses.DC!})) AS w(id)`;
    const { body } = await report("stockout-rate", { startDate: "2025-03-01", endDate: "2025-03-31", category });
    expect(body.total).toMatchObject({ skuLocations: 2000, skuLocationsAtZero: 100, stockoutRateBySku: 0.05, daysOutOfStock: 100, locationDays: 2000 });
    expect(body.byWarehouse).toEqual([expect.objectContaining({ warehouseId: network.warehouses.W, skuLocations: 2000, skuLocationsAtZero: 100, stockoutRateBySku: 0.05 })]);
    // The stock-out half only: no fill rates.
    expect(body.total).not.toHaveProperty("fillRateUnits");
  });

  it("170 of 200 units shipped is an 85 % fill rate; 4 of 6 lines complete is 67 %", async () => {
    const item = await product("fill", { unitCost: 1 });
    const week = days("2025-04-01", 6);
    // Four complete days (150 units), a short day with a sale (20 shipped, 10 unfilled), a day out of stock (20 unfilled).
    await sales(item.id, { [week[0]!]: 40, [week[1]!]: 40, [week[2]!]: 40, [week[3]!]: 30, [week[4]!]: 20 });
    for (const [index, day] of week.entries()) await stockOn(item.id, "W", day, index === 5 ? 0 : 5, index === 4 ? 10 : index === 5 ? 20 : 0);
    const { body } = await report("service", { startDate: "2025-04-01", endDate: "2025-04-06", category: item.category });
    expect(body.total).toMatchObject({ unitsDemanded: 200, unitsShipped: 170, unitsUnfilled: 30, fillRateUnits: 0.85, lines: 6, completeLines: 4, stockoutRateByDemand: 0.15, daysOutOfStock: 1, locationDays: 6 });
    expect(body.total.fillRateLines).toBeCloseTo(4 / 6, 12);
    // The trend is per ISO week: 2025-03-31 (Mon) holds Apr 1–6.
    expect(body.trend).toEqual([expect.objectContaining({ week: "2025-03-31", fillRateUnits: 0.85, unitsUnfilled: 30 })]);
  });
});

describe("abc-xyz and abc-analysis", () => {
  // Revenue a 50, b 25, d 12, c 8, e 5 of 100 (price 1): cumulative 0.50 A, 0.75 A, 0.87 B, 0.95 B
  // (on the cut-off, counted with the product), 1.00 C. Weekly sales over 4 weeks and σ/μ (population
  // σ): a 12,12,13,13 → 0.04 X; b 10,0,15,0 → 1.04 Z; c 4,0,4,0 → exactly 1.0 Z; d 1,5,1,5 → 2/3 Y; e 0,0,5,0 → 1.73 Z.
  const weekly = { a: [12, 12, 13, 13], b: [10, 0, 15, 0], c: [4, 0, 4, 0], d: [1, 5, 1, 5], e: [0, 0, 5, 0] };
  let category: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const mondays = ["2025-06-02", "2025-06-09", "2025-06-16", "2025-06-23"];
    for (const [name, quantities] of Object.entries(weekly)) {
      const item = await product("abc", { unitCost: 2, unitPrice: 1 });
      category = item.category;
      ids[name] = item.id;
      // One row per week with sales; weeks without a row count as 0.
      await sales(item.id, Object.fromEntries(quantities.flatMap((quantity, week) => (quantity > 0 ? [[mondays[week]!, quantity]] : []))));
    }
  });

  it("sets the ABC class by the cumulative share including the product and XYZ by σ/μ per week", async () => {
    const { body } = await report("abc-xyz", { startDate: "2025-06-02", endDate: "2025-06-29", category });
    const byName = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, body.items.find((item: any) => item.productId === id)]));
    expect(Object.fromEntries(Object.entries(byName).map(([name, item]) => [name, `${item.abc}${item.xyz}`]))).toEqual({ a: "AX", b: "AZ", c: "BZ", d: "BY", e: "CZ" });
    expect(byName.d.cumulativeShare).toBeCloseTo(0.87, 12);
    expect(byName.c.cumulativeShare).toBe(0.95);
    expect(byName.a).toMatchObject({ rank: 1, value: 50, share: 0.5, periodMean: 12.5, periodStd: 0.5, cv: 0.04 });
    expect(byName.c.cv).toBe(1);
    expect(byName.d.cv).toBeCloseTo(2 / 3, 12);
    expect(body).toMatchObject({ periods: 4, periodDays: 7, cutoffs: { a: 0.8, b: 0.95 }, thresholds: { x: 0.5, y: 1 }, matrix: { AX: 1, AY: 0, AZ: 1, BX: 0, BY: 1, BZ: 1, CX: 0, CY: 0, CZ: 1 } });
    expect(body.classes).toEqual([
      { class: "A", products: 2, value: 75, valueShare: 0.75 },
      { class: "B", products: 2, value: 20, valueShare: 0.2 },
      { class: "C", products: 1, value: 5, valueShare: 0.05 },
    ]);
  });

  it("abc-analysis is the ABC half, with the cut-offs and basis as parameters", async () => {
    // By cost (all at 2) the ranking is the same; with cut-offs 0.5 / 0.75 only a is A and b is B.
    const { body } = await report("abc-analysis", { startDate: "2025-06-02", endDate: "2025-06-29", category, abcBasis: "cost", abcCutoffs: { a: 0.5, b: 0.75 } });
    const classOf = (name: string) => body.items.find((item: any) => item.productId === ids[name]).abc;
    expect(["a", "b", "c", "d", "e"].map(classOf)).toEqual(["A", "B", "C", "C", "C"]);
    expect(body.total).toEqual({ products: 5, value: 200 });
    expect(body).not.toHaveProperty("matrix");
    expect(body.items[0]).not.toHaveProperty("xyz");
  });
});

describe("days-of-supply", () => {
  it("divides the last day's stock by the warehouse's share of average daily demand", async () => {
    const item = await product("dos", { unitCost: 1 });
    const period = days("2025-08-01", 10);
    // 10 sold and 0 unfilled a day but 10 unfilled on one day: demand 110 / 10 days = 11 a day.
    await sales(item.id, Object.fromEntries(period.map((day) => [day, 10])));
    await stockOn(item.id, "W", "2025-08-05", 0, 10);
    await stockOn(item.id, "W", "2025-08-10", 55);
    await stockOn(item.id, "DC", "2025-08-10", 220);
    const { body } = await report("days-of-supply", { startDate: "2025-08-01", endDate: "2025-08-10", category: item.category });
    expect(body.asOf).toBe("2025-08-10");
    const at = (code: string) => body.locations.find((row: any) => row.warehouseId === network.warehouses[code]);
    // W: 55 ÷ (10 × share 1 + 10 unfilled over 10 days = 11) = 5 days; the DC supplies W, so its share is 1 too: 220 ÷ 10 = 22.
    expect(at("W")).toMatchObject({ onHand: 55, dailyDemand: 11, daysOfSupply: 5 });
    expect(at("DC")).toMatchObject({ onHand: 220, dailyDemand: 10, daysOfSupply: 22 });
    expect(body.products[0]).toMatchObject({ productId: item.id, onHand: 275, dailyDemand: 11, daysOfSupply: 25 });
  });
});

describe("forecast-accuracy", () => {
  it("compares stored forecasts with the sales that happened: MAPE, bias, tracking signal per model and product", async () => {
    const item = await product("fa", { unitCost: 1 });
    await sales(item.id, { "2025-07-01": 10, "2025-07-02": 20, "2025-07-03": 30, "2025-07-04": 40 });
    // Points from Jun 30 to Jul 5; the period is Jul 1–4, so the first and last are left out.
    const forecast = await db().forecast.create({
      data: {
        jobId: `fa-${randomUUID()}`,
        organizationId,
        productId: item.id,
        horizon: 6,
        models: ["ma"],
        historyStart: new Date("2025-01-01T00:00:00Z"),
        historyEnd: new Date("2025-06-29T00:00:00Z"),
        points: { create: [99, 12, 18, 33, 30, 99].map((value, index) => ({ date: new Date(Date.UTC(2025, 5, 30 + index)), value })) },
        modelResults: { create: [{ model: "ma", method: "Moving average", weight: 1, params: {}, predictions: [99, 10, 10, 10, 10, 99] }] },
      },
    });
    expect(forecast.id).toBeTruthy();
    const { body } = await report("forecast-accuracy", { startDate: "2025-07-01", endDate: "2025-07-04", category: item.category });
    // Ensemble errors −2, 2, −3, 10: bias 7/4, MAD 17/4, TS 7 ÷ 4.25; MAPE (0.2 + 0.1 + 0.1 + 0.25)/4 = 16.25 %.
    const ensemble = body.models.find((row: any) => row.model === "ensemble");
    expect(ensemble).toMatchObject({ points: 4, bias: 1.75, mad: 4.25, outOfControl: false });
    expect(ensemble.mape).toBeCloseTo(16.25, 10);
    expect(ensemble.trackingSignal).toBeCloseTo(7 / 4.25, 12);
    // Moving average errors 0, 10, 20, 30: bias 15, MAD 15, TS exactly 4, on the limit and still in control.
    const ma = body.products.find((row: any) => row.model === "ma");
    expect(ma).toMatchObject({ productId: item.id, points: 4, bias: 15, mad: 15, trackingSignal: 4, outOfControl: false });
    expect(ma.mape).toBeCloseTo((100 * (0 + 0.5 + 20 / 30 + 0.75)) / 4, 10);
    expect(body.total).toMatchObject({ model: "ensemble", points: 4 });
    expect(body.trend.map((row: any) => `${row.week} ${row.model} ${row.points}`)).toEqual(["2025-06-30 ensemble 4", "2025-06-30 ma 4"]);

    const strict = await report("forecast-accuracy", { startDate: "2025-07-01", endDate: "2025-07-04", category: item.category, trackingSignalLimit: 3 });
    expect(strict.body.products.find((row: any) => row.model === "ma")).toMatchObject({ outOfControl: true });
  });
});

describe("the run", () => {
  it("refuses a warehouse the organisation does not have at enqueue, at its field (the catalogue's references)", async () => {
    const launched = await enqueueJob({ queue: "analytics", name: "analytics:service", data: { type: "service", params: { ...YEAR, warehouseId: "no-such-warehouse" } }, owner });
    expect(launched).toMatchObject({ ok: false, code: "invalid-payload", issues: [{ path: ["params", "warehouseId"], message: 'no warehouse with id "no-such-warehouse"' }] });
  });

  it("refuses another organisation named in params", async () => {
    const foreign = await createTestOrganization("Analytics refused");
    const launched = await enqueueJob({ queue: "analytics", name: "analytics:gmroi", data: { type: "gmroi", params: { ...YEAR, organizationId: foreign.id } }, owner });
    expect(launched).toMatchObject({ ok: false, code: "forbidden" });
  });

  it("saves one report per job: a re-run replaces it", async () => {
    const jobId = `analytics-${randomUUID()}`;
    const first = await saveReport(db(), { jobId, organizationId, type: "gmroi", ...YEAR, params: {}, body: { n: 1 } });
    const second = await saveReport(db(), { jobId, organizationId, type: "gmroi", ...YEAR, params: {}, body: { n: 2 } });
    expect(second).toBe(first);
    expect(await db().analyticsReport.findMany({ where: { jobId } })).toEqual([expect.objectContaining({ id: first, body: { n: 2 } })]);
  });
});
