import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as launchRoute } from "@/app/api/v1/exports/route";
import { POST as queueJobRoute } from "@/app/api/v1/queues/[queueKey]/jobs/route";
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db";
import { exportFilePath } from "@/lib/exports/export-store";
import type { JobPayload, JobResult } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { whatToOrder } from "@/lib/optimization/optimization-queries";
import { processors } from "@/worker/processors";
import type { WorkerManager } from "@/worker/worker-manager";
import { call, createTestOrganization, createTestUser, type TestUser } from "../helpers/fixtures";
import { createTestNetwork, createTestOptimizationResult } from "../helpers/inventory-fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";

/**
 * The exports added with planning: the reorder list (optimizations), an analytics report's rows
 * (reports) and the caller's runs (runs), each in every format, through the real queue and worker;
 * and the enqueue checks of the rows the filters name (422 at the field, never another
 * organisation's data).
 */
let organizationId: string;
let otherOrganizationId: string;
let planner: TestUser;
let colleague: TestUser;
let outsider: TestUser;
let admin: TestUser;
let worker: WorkerManager;
const ids: Record<string, string> = {};

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);
const FORMATS = ["csv", "json", "jsonl", "xlsx", "pdf"] as const;

beforeAll(async () => {
  organizationId = (await createTestOrganization("Planning Exports")).id;
  otherOrganizationId = (await createTestOrganization("Someone Else")).id;
  planner = await createTestUser("PLANNER", { organizationId });
  colleague = await createTestUser("PLANNER", { organizationId });
  outsider = await createTestUser("PLANNER", { organizationId: otherOrganizationId });
  admin = await createTestUser("ADMIN");

  // Two optimised products: the gasket's warehouse has no stock (order now); the valve's has
  // stock for ~100 days (not on this week's list, on a 365-day one).
  const gasket = await db().product.create({ data: { organizationId, sku: "G-1", name: "Gasket", category: "Seals", unitCost: 4, unitPrice: 9 } });
  const valve = await db().product.create({ data: { organizationId, sku: "V-1", name: "Valve", category: "Hydraulics", unitCost: 4, unitPrice: 9 } });
  ids.gasket = gasket.id;
  ids.valve = valve.id;
  ids.gasketResult = (await createTestOptimizationResult(gasket, { dailyDemand: 10 })).id;
  ids.valveResult = (await createTestOptimizationResult(valve, { dailyDemand: 10 })).id;
  const valveResult = await db().optimizationResult.findUniqueOrThrow({ where: { id: ids.valveResult } });
  ids.valveWarehouse = (valveResult.warehouses as { warehouseId: string }[])[0]!.warehouseId;
  await db().stockSnapshot.create({ data: { organizationId, productId: valve.id, warehouseId: ids.valveWarehouse, date: new Date(`${day(30)}T00:00:00Z`), onHand: 1_000 } });

  // Sales and stock for an ABC report over 30 days.
  const network = await createTestNetwork(organizationId, [{ code: "W", kind: "REGIONAL", capacity: 100_000, demandShare: 1 }], []);
  for (const [product, quantity] of [[gasket, 50], [valve, 5]] as const) {
    await db().salesDaily.createMany({ data: Array.from({ length: 30 }, (_, n) => ({ organizationId, productId: product.id, date: new Date(`${day(n)}T00:00:00Z`), quantity })) });
    await db().stockSnapshot.create({ data: { organizationId, productId: product.id, warehouseId: network.warehouses.W!, date: new Date(`${day(29)}T00:00:00Z`), onHand: 100 } });
  }
  // Another organisation's product, report and warehouse, never to be read by our planner.
  const foreign = await db().product.create({ data: { organizationId: otherOrganizationId, sku: "SECRET-1", name: "Secret", category: "Seals", unitCost: 1, unitPrice: 2 } });
  ids.foreignProduct = foreign.id;
  ids.foreignWarehouse = (await createTestNetwork(otherOrganizationId, [{ code: "X", kind: "REGIONAL", capacity: 10, demandShare: 1 }], [])).warehouses.X!;
  ids.foreignReport = (
    await db().analyticsReport.create({
      data: {
        jobId: `foreign-report-${otherOrganizationId}`,
        organizationId: otherOrganizationId,
        type: "abc-analysis",
        startDate: new Date(`${day(0)}T00:00:00Z`),
        endDate: new Date(`${day(29)}T00:00:00Z`),
        params: {},
        body: { items: [{ rank: 1, productId: foreign.id, sku: "SECRET-1", name: "Secret", category: "Seals", unitsSold: 1, value: 2, share: 1, cumulativeShare: 1, abc: "A" }] },
      },
    })
  ).id;
  worker = await startTestWorker(["export", "analytics"], processors);
});

afterAll(async () => {
  await worker.stop(5_000);
});

async function finished(jobId: string) {
  return waitFor(async () => {
    const row = await db().jobRun.findUnique({ where: { id: jobId } });
    return row?.state === "COMPLETED" || row?.state === "FAILED" ? row : null;
  }, 45_000);
}

async function runExport(data: JobPayload<"export">, owner: Principal = planner.principal) {
  const enqueued = await enqueueJob({ queue: "export", name: "export-test", data, owner });
  if (!enqueued.ok) throw new Error(`enqueue failed: ${JSON.stringify(enqueued)}`);
  const run = await finished(enqueued.jobId);
  expect(run.failedReason).toBeNull();
  const result = run.result as unknown as JobResult<"export">;
  return { result, file: exportFilePath(result.filePath) };
}

/** The file's data rows as header → cell text, whatever its format (PDF: the page text). */
async function readRows(format: (typeof FORMATS)[number], file: string): Promise<Record<string, unknown>[] | string> {
  switch (format) {
    case "csv":
      return parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
    case "json":
      return JSON.parse(readFileSync(file, "utf8"));
    case "jsonl":
      return readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
    case "xlsx": {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const sheet = workbook.worksheets[0]!;
      const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
      const rows: Record<string, unknown>[] = [];
      for (let index = 2; index <= sheet.rowCount; index += 1) {
        const values = (sheet.getRow(index).values as unknown[]).slice(1);
        rows.push(Object.fromEntries(headers.map((header, column) => [header, values[column]])));
      }
      return rows;
    }
    case "pdf":
      return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  }
}

describe("optimizations export (the reorder list)", () => {
  it("holds exactly the lines the Inventory page lists, in every format", async () => {
    const page = await whatToOrder({ organizationId, today: new Date(new Date().toISOString().slice(0, 10)) });
    expect(page.lines.map((line) => line.product.sku)).toEqual(["G-1"]);
    for (const format of FORMATS) {
      const { result, file } = await runExport({ entity: "optimizations", format, filters: {} });
      expect(result.rows, format).toBe(1);
      const rows = await readRows(format, file);
      if (typeof rows === "string") {
        expect(rows).toContain("What to order");
        expect(rows).toMatch(/Urgency\s+Order by\s+SKU\s+Product\s+Warehouse\s+Quantity/);
        expect(rows).toContain("G-1");
        expect(rows).not.toContain("V-1");
        continue;
      }
      expect(rows, format).toHaveLength(1);
      const line = rows[0]!;
      const quantity = page.lines[0]!.quantity;
      if (format === "csv") expect(line).toMatchObject({ Urgency: "Order now", SKU: "G-1", Quantity: String(quantity), "On hand": "0" });
      else if (format === "xlsx") expect(line).toMatchObject({ Urgency: "Order now", SKU: "G-1", Quantity: quantity, "On hand": 0 });
      else expect(line).toMatchObject({ urgency: "Order now", sku: "G-1", quantity, onHand: 0, reason: page.lines[0]!.reason });
    }
  });

  it("widens to the days asked for and narrows by orderNow, warehouse, product and optimisation result", async () => {
    const year = await runExport({ entity: "optimizations", format: "json", filters: { days: 365 } });
    expect(JSON.parse(readFileSync(year.file, "utf8")).map((row: { sku: string; urgency: string }) => [row.sku, row.urgency])).toEqual([
      ["G-1", "Order now"],
      ["V-1", "Upcoming"],
    ]);
    const later = await runExport({ entity: "optimizations", format: "json", filters: { days: 365, orderNow: false } });
    expect(JSON.parse(readFileSync(later.file, "utf8")).map((row: { sku: string }) => row.sku)).toEqual(["V-1"]);
    const byWarehouse = await runExport({ entity: "optimizations", format: "json", filters: { days: 365, warehouseId: ids.valveWarehouse } });
    expect(JSON.parse(readFileSync(byWarehouse.file, "utf8")).map((row: { sku: string }) => row.sku)).toEqual(["V-1"]);
    const byResult = await runExport({ entity: "optimizations", format: "json", filters: { optimizationId: ids.gasketResult, productId: ids.gasket } });
    expect(JSON.parse(readFileSync(byResult.file, "utf8")).map((row: { sku: string }) => row.sku)).toEqual(["G-1"]);
    const category = await runExport({ entity: "optimizations", format: "json", filters: { days: 365, category: "Hydraulics" } });
    expect(JSON.parse(readFileSync(category.file, "utf8")).map((row: { sku: string }) => row.sku)).toEqual(["V-1"]);
  });
});

describe("reports export", () => {
  let reportId: string;
  let items: { sku: string; abc: string; value: number }[];

  beforeAll(async () => {
    const launched = await enqueueJob({ queue: "analytics", name: "analytics:abc-analysis", data: { type: "abc-analysis", params: { startDate: day(0), endDate: day(29) } }, owner: planner.principal });
    if (!launched.ok) throw new Error(JSON.stringify(launched));
    const run = await finished(launched.jobId);
    expect(run.failedReason).toBeNull();
    reportId = (run.result as { reportId: string }).reportId;
    const report = await db().analyticsReport.findUniqueOrThrow({ where: { id: reportId } });
    items = (report.body as { items: typeof items }).items;
    expect(items.map((item) => item.sku)).toEqual(["G-1", "V-1"]);
  });

  it("writes the report's table in its own order, in every format", async () => {
    for (const format of FORMATS) {
      const { result, file } = await runExport({ entity: "reports", format, filters: { reportId } });
      expect(result.rows, format).toBe(2);
      const rows = await readRows(format, file);
      if (typeof rows === "string") {
        expect(rows).toContain(`ABC analysis, ${day(0)} – ${day(29)}`);
        expect(rows).toMatch(/Rank\s+SKU\s+Product\s+Category/);
        expect(rows).toMatch(/1\s+G-1\s+Gasket/);
        continue;
      }
      const [first, second] = rows;
      if (format === "csv") {
        expect(first).toMatchObject({ Rank: "1", SKU: "G-1", ABC: items[0]!.abc, Value: String(items[0]!.value) });
        expect(second).toMatchObject({ Rank: "2", SKU: "V-1" });
      } else if (format === "xlsx") {
        expect(first).toMatchObject({ Rank: 1, SKU: "G-1", ABC: items[0]!.abc, Value: items[0]!.value });
      } else {
        expect(first).toMatchObject({ rank: 1, sku: "G-1", abc: items[0]!.abc, value: items[0]!.value });
        expect(Object.keys(first!)).toEqual(["rank", "sku", "name", "category", "unitsSold", "value", "share", "cumulativeShare", "abc"]);
      }
    }
  });

  it("needs reportId, and refuses another organisation's report at the field (planners); an admin exports that organisation's", async () => {
    const missing = await call(launchRoute, { method: "POST", path: "/api/v1/exports", body: { entity: "reports", format: "csv", filters: {} }, auth: { apiKey: planner.apiKey } });
    expect(missing.status).toBe(422);
    expect(missing.json.error.details).toEqual([{ path: "body.filters.reportId", message: "reportId is required: a reports export is one saved report's rows" }]);

    const foreign = await call(launchRoute, { method: "POST", path: "/api/v1/exports", body: { entity: "reports", format: "csv", filters: { reportId: ids.foreignReport } }, auth: { apiKey: planner.apiKey } });
    expect(foreign.status).toBe(422);
    expect(foreign.json.error.details).toEqual([{ path: "body.filters.reportId", message: `no report with id "${ids.foreignReport}"` }]);
    expect(foreign.text).not.toContain("SECRET");
    // The same through the generic queue endpoint: one check, wherever the job comes from.
    const generic = await call(queueJobRoute, {
      method: "POST",
      path: "/api/v1/queues/export/jobs",
      params: { queueKey: "export" },
      body: { name: "export", data: { entity: "reports", format: "json", filters: { reportId: ids.foreignReport } } },
      auth: { apiKey: planner.apiKey },
    });
    expect(generic.status).toBe(422);
    expect(generic.json.error.details).toEqual([{ path: "body.data.filters.reportId", message: `no report with id "${ids.foreignReport}"` }]);

    // The report's own organisation reads it; an admin naming it exports that organisation's rows.
    const own = await runExport({ entity: "reports", format: "json", filters: { reportId: ids.foreignReport } }, outsider.principal);
    expect(JSON.parse(readFileSync(own.file, "utf8")).map((row: { sku: string }) => row.sku)).toEqual(["SECRET-1"]);
    const enqueued = await enqueueJob({ queue: "export", name: "export-test", data: { entity: "reports", format: "json", filters: { reportId: ids.foreignReport } }, owner: admin.principal });
    expect(enqueued.ok).toBe(true);
    if (enqueued.ok) expect((await db().jobRun.findUniqueOrThrow({ where: { id: enqueued.jobId } })).organizationId).toBe(otherOrganizationId);
  });
});

describe("runs export", () => {
  it("holds the caller's own runs, newest first, filtered by queue, state and day, in every format", async () => {
    // A colleague's run, never in the planner's file.
    const theirs = await enqueueJob({ queue: "export", name: "colleague-export", data: { entity: "products", format: "csv", filters: {} }, owner: colleague.principal });
    if (!theirs.ok) throw new Error("enqueue failed");
    await finished(theirs.jobId);
    const mine = await db().jobRun.findMany({ where: { ownerId: planner.principal.id, queue: "analytics" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(mine.length).toBeGreaterThan(0);
    for (const format of FORMATS) {
      const { file } = await runExport({ entity: "runs", format, filters: { queue: "analytics", state: "completed" } });
      const rows = await readRows(format, file);
      if (typeof rows === "string") {
        expect(rows).toContain("My runs");
        expect(rows).toMatch(/Created\s+Queue\s+Job\s+About\s+State\s+Finished/);
        expect(rows).toContain("analytics:abc-analysis");
        expect(rows).not.toContain("colleague-export");
        continue;
      }
      const jobIds = rows.map((row) => row.jobId ?? row["Job id"]);
      expect(jobIds, format).toEqual(mine.map((run) => run.id));
      const first = rows[0]!;
      expect(first.state ?? first.State).toBe("completed");
      expect(first.queue ?? first.Queue).toBe("analytics");
    }
    const all = await runExport({ entity: "runs", format: "json", filters: {} });
    const names = JSON.parse(readFileSync(all.file, "utf8")).map((row: { name: string }) => row.name);
    expect(names).toContain("analytics:abc-analysis");
    expect(names).not.toContain("colleague-export");
    const today = new Date().toISOString().slice(0, 10);
    const past = await runExport({ entity: "runs", format: "json", filters: { endDate: "2020-01-01" } });
    expect(JSON.parse(readFileSync(past.file, "utf8"))).toEqual([]);
    const fromToday = await runExport({ entity: "runs", format: "json", filters: { startDate: today, endDate: today, queue: "analytics" } });
    expect(JSON.parse(readFileSync(fromToday.file, "utf8")).length).toBe(mine.length);
  });

  it("refuses a queue or state that does not exist, at its field", async () => {
    const response = await call(launchRoute, { method: "POST", path: "/api/v1/exports", body: { entity: "runs", format: "csv", filters: { queue: "nope", state: "done" } }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(422);
    expect(response.json.error.details.map((detail: { path: string }) => detail.path)).toEqual(["body.filters.queue", "body.filters.state"]);
  });
});

describe("references named in the filters", () => {
  it("answers 422 at the field for a product, warehouse or optimisation result the organisation does not have", async () => {
    const response = await call(launchRoute, {
      method: "POST",
      path: "/api/v1/exports",
      body: { entity: "optimizations", format: "csv", filters: { productId: ids.foreignProduct, warehouseId: ids.foreignWarehouse, optimizationId: "no-such-result" } },
      auth: { apiKey: planner.apiKey },
    });
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([
      { path: "body.filters.productId", message: `no product with id "${ids.foreignProduct}"` },
      { path: "body.filters.warehouseId", message: `no warehouse with id "${ids.foreignWarehouse}"` },
      { path: "body.filters.optimizationId", message: 'no optimisation result with id "no-such-result"' },
    ]);
  });

  it("refuses an admin's filters naming rows of two organisations", async () => {
    const enqueued = await enqueueJob({ queue: "export", name: "export-test", data: { entity: "optimizations", format: "csv", filters: { productId: ids.foreignProduct, warehouseId: ids.valveWarehouse } }, owner: admin.principal });
    expect(enqueued).toMatchObject({ ok: false, code: "invalid-payload", issues: [{ path: ["filters", "warehouseId"], message: expect.stringContaining("belongs to another organisation") }] });
  });

  it("checks an analytics run's warehouse too (every queue naming a business row)", async () => {
    const enqueued = await enqueueJob({ queue: "analytics", name: "analytics:gmroi", data: { type: "gmroi", params: { startDate: day(0), endDate: day(29), warehouseId: ids.foreignWarehouse } }, owner: planner.principal });
    expect(enqueued).toMatchObject({ ok: false, code: "invalid-payload", issues: [{ path: ["params", "warehouseId"], message: `no warehouse with id "${ids.foreignWarehouse}"` }] });
  });
});
