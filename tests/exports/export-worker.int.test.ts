import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as downloadRoute } from "@/app/api/v1/exports/[id]/download/route";
import { GET as exportRoute } from "@/app/api/v1/exports/[id]/route";
import { POST as launchRoute, GET as listRoute } from "@/app/api/v1/exports/route";
import type { Principal } from "@/lib/auth/principal";
import { db, sqlPool } from "@/lib/db";
import { env } from "@/lib/env";
import { deleteExpiredExports, exportFilePath } from "@/lib/exports/export-store";
import { writeExport } from "@/lib/exports/write-export";
import type { JobPayload, JobResult } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { processors } from "@/worker/processors";
import type { WorkerManager } from "@/worker/worker-manager";
import { call, createTestOrganization, createTestUser, type TestUser } from "../helpers/fixtures";
import { createTestNetwork, createTestStock } from "../helpers/inventory-fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";

let organizationId: string;
let planner: TestUser;
let colleague: TestUser;
let admin: TestUser;
let worker: WorkerManager;
const ids: Record<string, string> = {};

/** Days 2026-01-01 + n, as YYYY-MM-DD. */
const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);

beforeAll(async () => {
  const organization = await createTestOrganization("Export Works");
  organizationId = organization.id;
  planner = await createTestUser("PLANNER", { organizationId });
  colleague = await createTestUser("PLANNER", { organizationId });
  admin = await createTestUser("ADMIN");
  // A SKU with leading zeros, a name that looks like a formula, a non-ASCII name.
  const bolts = await db().product.create({ data: { organizationId, sku: "0017", name: "=HYPERLINK(\"http://x\")", category: "Fasteners", unitCost: 1.25, unitPrice: 2 } });
  const nuts = await db().product.create({ data: { organizationId, sku: "N-200", name: "Écrou M8", category: "Fasteners", unitCost: 0.5, unitPrice: 0.9 } });
  const paint = await db().product.create({ data: { organizationId, sku: "P-1", name: "Primer", category: "Coatings", unitCost: 12, unitPrice: 20 } });
  Object.assign(ids, { bolts: bolts.id, nuts: nuts.id, paint: paint.id });
  // 40 days of sales each, quantities that identify the product and the day.
  for (const [index, product] of [bolts, nuts, paint].entries()) {
    await db().salesDaily.createMany({
      data: Array.from({ length: 40 }, (_, n) => ({ organizationId, productId: product.id, date: new Date(`${day(n)}T00:00:00Z`), quantity: (index + 1) * 100 + n })),
    });
  }
  const network = await createTestNetwork(organizationId, [{ code: "DC", kind: "CENTRAL", capacity: 10_000 }, { code: "EAST", kind: "REGIONAL", capacity: 5_000, demandShare: 1 }], [{ from: "DC", to: "EAST", costPerUnit: 0.1 }]);
  ids.east = network.warehouses.EAST!;
  await createTestStock(bolts, network, day(38), { DC: 500, EAST: 40 });
  await createTestStock(bolts, network, day(39), { DC: 480, EAST: 35 });
  // Two forecasts of the bolts: only the later one is exported.
  for (const [n, scale] of [[0, 1], [1, 2]] as const) {
    await db().forecast.create({
      data: {
        jobId: `export-test-forecast-${organizationId}-${n}`,
        organizationId,
        productId: bolts.id,
        horizon: 10,
        models: ["ma"],
        ensembleMape: 12.5,
        historyStart: new Date(`${day(0)}T00:00:00Z`),
        historyEnd: new Date(`${day(39)}T00:00:00Z`),
        createdAt: new Date(Date.UTC(2026, 1, 10 + n)),
        points: { create: Array.from({ length: 10 }, (_, k) => ({ date: new Date(`${day(40 + k)}T00:00:00Z`), value: scale * (100 + k), lower: scale * (90 + k), upper: scale * (110 + k) })) },
      },
    });
  }
  worker = await startTestWorker(["export"], processors);
});

afterAll(async () => {
  await worker.stop(5_000);
});

async function runExport(data: JobPayload<"export">, owner: Principal = planner.principal) {
  const enqueued = await enqueueJob({ queue: "export", name: "export-test", data, owner });
  if (!enqueued.ok) throw new Error(`enqueue failed: ${enqueued.code}`);
  const run = await waitFor(async () => {
    const row = await db().jobRun.findUnique({ where: { id: enqueued.jobId } });
    return row?.state === "COMPLETED" || row?.state === "FAILED" ? row : null;
  }, 45_000);
  expect(run.failedReason).toBeNull();
  const result = run.result as unknown as JobResult<"export">;
  return { jobId: enqueued.jobId, result, file: exportFilePath(result.filePath) };
}

describe("export worker", () => {
  it("writes sales as CSV with a BOM and a header, filtered, with text kept as text and formulas neutralised", async () => {
    const { result, file } = await runExport({ entity: "sales", format: "csv", filters: { category: "Fasteners", startDate: day(10), endDate: day(12) } });
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
    // Two fastener products × 3 days, by date then SKU.
    expect(rows).toHaveLength(6);
    expect(result.rows).toBe(6);
    expect(result.bytes).toBe(bytes.length);
    expect(Object.keys(rows[0]!)).toEqual(["Date", "SKU", "Product", "Category", "Quantity"]);
    expect(rows[0]).toEqual({ Date: day(10), SKU: "0017", Product: "'=HYPERLINK(\"http://x\")", Category: "Fasteners", Quantity: "110" });
    expect(rows[1]).toEqual({ Date: day(10), SKU: "N-200", Product: "Écrou M8", Category: "Fasteners", Quantity: "210" });
    expect(rows.at(-1)).toMatchObject({ Date: day(12), SKU: "N-200", Quantity: "212" });
    expect(result.fileName).toMatch(/^sales-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(result.downloadUrl).toBe(`/api/v1/exports/${result.exportId}/download`);
  });

  it("writes JSON as one array and JSON Lines as one object per line, numbers as numbers", async () => {
    const json = await runExport({ entity: "products", format: "json", filters: {} });
    const products = JSON.parse(readFileSync(json.file, "utf8"));
    expect(products).toEqual([
      expect.objectContaining({ sku: "0017", category: "Fasteners", unitCost: 1.25, unitPrice: 2 }),
      expect.objectContaining({ sku: "N-200", name: "Écrou M8", unitCost: 0.5 }),
      expect.objectContaining({ sku: "P-1", unitCost: 12 }),
    ]);
    const lines = await runExport({ entity: "products", format: "jsonl", filters: { category: "Coatings" } });
    const text = readFileSync(lines.file, "utf8");
    expect(text.trimEnd().split("\n").map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ sku: "P-1", name: "Primer" })]);
    const empty = await runExport({ entity: "products", format: "json", filters: { category: "Nothing here" } });
    expect(JSON.parse(readFileSync(empty.file, "utf8"))).toEqual([]);
    expect(empty.result.rows).toBe(0);
  });

  it("writes XLSX with a frozen bold header and typed cells: dates as dates, quantities as numbers, SKUs as text", async () => {
    const { file } = await runExport({ entity: "inventory", format: "xlsx", filters: { productId: ids.bolts } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(sheet.getRow(1).values).toEqual([undefined, "Date", "SKU", "Product", "Warehouse", "On hand", "Unfilled demand", "Value at cost"]);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    // Without dates: the latest day on record only, one row per warehouse.
    expect(sheet.rowCount).toBe(3);
    const first = sheet.getRow(2);
    expect(first.getCell(1).value).toEqual(new Date(`${day(39)}T00:00:00Z`));
    expect(first.getCell(2).value).toBe("0017");
    expect(first.getCell(5).value).toBe(480);
    expect(first.getCell(7).value).toBe(600);
  });

  it("exports each product's latest forecast only, with its points", async () => {
    const { file } = await runExport({ entity: "forecasts", format: "csv", filters: {} });
    const rows = parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatchObject({ SKU: "0017", Date: day(40), Forecast: "200", "Lower (80 %)": "180", "Upper (80 %)": "220" });
    // A named forecast instead: the earlier one, from the forecast's own page.
    const earlier = await db().forecast.findFirstOrThrow({ where: { organizationId }, orderBy: { createdAt: "asc" } });
    const named = await runExport({ entity: "forecasts", format: "csv", filters: { forecastId: earlier.id, startDate: day(45) } });
    const namedRows = parse(readFileSync(named.file), { bom: true, columns: true }) as Record<string, string>[];
    expect(namedRows.map((row) => row.Forecast)).toEqual(["105", "106", "107", "108", "109"]);
  });

  it("writes a PDF report: heading, filters, a chart per forecast, a table whose header repeats on every page", async () => {
    const { file } = await runExport({ entity: "sales", format: "pdf", filters: { category: "Fasteners" } });
    const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    // 80 rows at ~33 a page.
    expect(pages).toBeGreaterThanOrEqual(2);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    const pageTexts = text.split("\f").filter((page) => page.trim().length > 0);
    expect(pageTexts).toHaveLength(pages);
    expect(pageTexts[0]).toContain("Daily sales");
    expect(pageTexts[0]).toContain("Export Works");
    expect(pageTexts[0]).toContain("Category: Fasteners");
    for (const [index, page] of pageTexts.entries()) {
      expect(page).toMatch(/Date\s+SKU\s+Product\s+Category\s+Quantity/);
      expect(page).toContain(`page ${index + 1}`);
    }
    const forecast = await runExport({ entity: "forecasts", format: "pdf", filters: {} });
    const forecastText = execFileSync("pdftotext", ["-layout", forecast.file, "-"], { encoding: "utf8" });
    expect(forecastText).toContain("0017 · =HYPERLINK");
    expect(forecastText).toContain(`forecast from ${day(40)}`);
    // Rendered by another program, the page is a picture.
    execFileSync("pdftoppm", ["-png", "-r", "40", "-f", "1", "-l", "1", forecast.file, path.join(path.dirname(forecast.file), "render")]);
    expect(readdirSync(path.dirname(forecast.file)).some((name) => name.startsWith("render") && name.endsWith(".png"))).toBe(true);
  });

  it("serves the file to its owner and admins only, and 410 once the cleanup deleted it", async () => {
    const { result, file } = await runExport({ entity: "products", format: "csv", filters: {} });
    const own = await call(downloadRoute, { params: { id: result.exportId }, auth: { apiKey: planner.apiKey } });
    expect(own.status).toBe(200);
    expect(own.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(own.headers.get("content-disposition")).toBe(`attachment; filename="${result.fileName}"; filename*=UTF-8''${result.fileName}`);
    expect(Buffer.from(own.text, "utf8").length + 3).toBe(readFileSync(file).length); // text() drops the BOM
    expect((await call(downloadRoute, { params: { id: result.exportId }, auth: { apiKey: admin.apiKey } })).status).toBe(200);
    expect((await call(downloadRoute, { params: { id: result.exportId }, auth: { apiKey: colleague.apiKey } })).status).toBe(404);
    expect((await call(exportRoute, { params: { id: result.exportId }, auth: { apiKey: colleague.apiKey } })).status).toBe(404);
    const listed = await call(listRoute, { path: "/api/v1/exports", auth: { apiKey: planner.apiKey } });
    expect(listed.json.exports.map((entry: { id: string }) => entry.id)).toContain(result.exportId);
    expect((await call(listRoute, { path: "/api/v1/exports", auth: { apiKey: colleague.apiKey } })).json.exports).toEqual([]);

    const deleted = await deleteExpiredExports({ now: new Date(Date.parse(result.expiresAt) + 1) });
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(existsSync(file)).toBe(false);
    const gone = await call(downloadRoute, { params: { id: result.exportId }, auth: { apiKey: planner.apiKey } });
    expect(gone.status).toBe(410);
    expect(gone.json.error.message).toContain("expired on");
    expect((await call(exportRoute, { params: { id: result.exportId }, auth: { apiKey: planner.apiKey } })).json.expired).toBe(true);
  });

  it("expires a file after the export queue's retention (3 days)", async () => {
    const { result } = await runExport({ entity: "products", format: "json", filters: {} });
    const row = await db().exportFile.findUniqueOrThrow({ where: { id: result.exportId } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThanOrEqual(3 * 86_400_000 - 1_000);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(3 * 86_400_000 + 1_000);
  });

  it("refuses a filter the entity does not take, at its field, before anything runs", async () => {
    const response = await call(launchRoute, {
      method: "POST",
      path: "/api/v1/exports",
      body: { entity: "products", format: "csv", filters: { warehouseId: ids.east } },
      auth: { apiKey: planner.apiKey },
    });
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([{ path: "body.filters.warehouseId", message: "warehouseId does not apply to products exports (they take category, productId)" }]);
    const launched = await call(launchRoute, { method: "POST", path: "/api/v1/exports", body: { entity: "sales", format: "xlsx", filters: { productId: ids.paint } }, auth: { apiKey: planner.apiKey } });
    expect(launched.status).toBe(201);
  });

  it("leaves no file behind when an export is cancelled part-way", async () => {
    await db().$executeRaw`INSERT INTO "SalesDaily" ("organizationId", "productId", "date", "quantity")
      SELECT ${organizationId}, ${ids.paint}, DATE '2020-01-01' + g, g FROM generate_series(1, 30000) g
      ON CONFLICT DO NOTHING`;
    const controller = new AbortController();
    const target = path.join(env().EXPORT_DIR, organizationId, "cancelled.csv");
    await mkdir(path.dirname(target), { recursive: true });
    let progressed = 0;
    await expect(
      writeExport({
        pool: sqlPool(db()),
        entity: "sales",
        format: "csv",
        filters: { productId: ids.paint },
        organizationId,
        organizationName: "Export Works",
        path: target,
        generatedAt: new Date(),
        signal: controller.signal,
        onProgress: async (done) => {
          progressed = done;
          controller.abort(new Error("cancelled by the test"));
        },
      }),
    ).rejects.toThrow("cancelled by the test");
    expect(progressed).toBeGreaterThan(0);
    expect(readdirSync(path.dirname(target)).filter((name) => name.startsWith("cancelled"))).toEqual([]);
  });
});
