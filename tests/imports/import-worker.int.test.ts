import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as errorsRoute } from "@/app/api/v1/imports/[jobId]/errors.csv/route";
import { GET as importRoute } from "@/app/api/v1/imports/[jobId]/route";
import { GET as entitiesRoute } from "@/app/api/v1/imports/entities/route";
import { POST as mappingRoute } from "@/app/api/v1/imports/mapping/route";
import { GET as listRoute } from "@/app/api/v1/imports/route";
import { db } from "@/lib/db";
import { exportFilePath } from "@/lib/exports/export-store";
import { cancelJob } from "@/lib/jobs/cancel-job";
import type { JobPayloadInput, JobResult } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { queueManager } from "@/lib/jobs/queue-manager";
import { organizationUploadDir } from "@/lib/uploads/uploaded-file";
import { processors } from "@/worker/processors";
import type { WorkerManager } from "@/worker/worker-manager";
import { call, createTestOrganization, createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";

// An upload directory of this file's own, set before anything reads the environment.
const uploadDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? "/tmp"}/capliquify-import-test-${process.pid}`;
  process.env.UPLOAD_DIR = dir;
  return dir;
});

const FIXTURES = path.resolve("tests/fixtures/imports");

let organizationId: string;
let planner: TestUser;
let worker: WorkerManager;

/** Puts a file in the organisation's upload directory, as the upload endpoint would; returns its name there. */
function upload(name: string, content: string | Buffer): string {
  const dir = organizationUploadDir(organizationId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), content);
  return name;
}

async function launch(data: JobPayloadInput<"import">) {
  const enqueued = await enqueueJob({ queue: "import", name: "import-test", data: data as never, owner: planner.principal });
  if (!enqueued.ok) throw new Error(`enqueue failed: ${JSON.stringify(enqueued)}`);
  return enqueued.jobId;
}

async function finished(jobId: string) {
  return waitFor(async () => {
    const row = await db().jobRun.findUnique({ where: { id: jobId } });
    return row && ["COMPLETED", "FAILED", "CANCELLED"].includes(row.state) ? row : null;
  }, 60_000);
}

async function runImport(data: JobPayloadInput<"import">) {
  const jobId = await launch(data);
  const run = await finished(jobId);
  expect(run.failedReason).toBeNull();
  return { jobId, result: run.result as unknown as JobResult<"import"> };
}

const salesCount = () => db().salesDaily.count({ where: { organizationId } });

beforeAll(async () => {
  organizationId = (await createTestOrganization("Import Worker Works")).id;
  planner = await createTestUser("PLANNER", { organizationId });
  worker = await startTestWorker(["import"], processors);
});

afterAll(async () => {
  await worker.stop(5_000);
  rmSync(uploadDir, { recursive: true, force: true });
});

describe("import worker", () => {
  it("imports a LibreOffice workbook's sheet all-or-nothing: one bad row, nothing written, every error in the CSV", async () => {
    const file = path.join(organizationUploadDir(organizationId), "products.xlsx");
    mkdirSync(path.dirname(file), { recursive: true });
    copyFileSync(path.join(FIXTURES, "products-two-sheets.xlsx"), file);
    const mapping = { SKU: "sku", Name: "name", Bin: "category", "Unit cost": "unitCost" };
    const { jobId, result } = await runImport({ filePath: "products.xlsx", entityType: "products", mapping, sheet: "Products" });
    expect(result).toMatchObject({ success: false, entityType: "products", dryRun: false, mode: "all-or-nothing", reportUrl: `/api/v1/imports/${jobId}`, errorsUrl: `/api/v1/imports/${jobId}/errors.csv` });
    // Row 4 is blank in the sheet; row 5 has no unit cost (and no bin).
    expect(result.report).toMatchObject({ total: 3, valid: 2, invalid: 1, imported: 0, errorCount: 2 });
    expect(result.report.errors).toEqual([
      expect.objectContaining({
        row: 5,
        sheet: "Products",
        issues: [
          { column: "Bin", field: "category", value: "", message: "is required" },
          { column: "Unit cost", field: "unitCost", value: "", message: "is required" },
        ],
      }),
    ]);
    expect(await db().product.count({ where: { organizationId } })).toBe(0);
    const report = await db().importReport.findUniqueOrThrow({ where: { jobId } });
    const lines = parse(readFileSync(exportFilePath(report.errorsPath!)), { bom: true, columns: true });
    expect(lines).toEqual([
      { row: "5", sheet: "Products", column: "Bin", field: "category", value: "", message: "is required" },
      { row: "5", sheet: "Products", column: "Unit cost", field: "unitCost", value: "", message: "is required" },
    ]);

    // valid-rows: the two good rows, codes kept as written; the mapping is kept for next time.
    const valid = await runImport({ filePath: "products.xlsx", entityType: "products", mapping, sheet: "Products", mode: "valid-rows" });
    expect(valid.result.report).toMatchObject({ imported: 2, created: 2, invalid: 1 });
    const products = await db().product.findMany({ where: { organizationId }, orderBy: { sku: "asc" } });
    expect(products.map((product) => [product.sku, product.category, product.unitCost.toString()])).toEqual([
      ["0000000456", "00007", "0.1"],
      ["00123", "00042", "2.5"],
    ]);
    expect(await db().importMapping.findUnique({ where: { organizationId_entityType: { organizationId, entityType: "products" } } })).toMatchObject({ mapping });
  });

  it("serves the report, the error file, the history and the saved mapping over HTTP", async () => {
    const auth = { apiKey: planner.apiKey };
    const { jobId } = await runImport({ filePath: "products.xlsx", entityType: "products", mapping: { SKU: "sku", Name: "name", Bin: "category", "Unit cost": "unitCost" }, sheet: "Products", dryRun: true });
    const report = await call(importRoute, { path: `/api/v1/imports/${jobId}`, params: { jobId }, auth });
    expect(report.status).toBe(200);
    expect(report.json).toMatchObject({
      jobId,
      entityType: "products",
      fileName: "products.xlsx",
      mode: "all-or-nothing",
      dryRun: true,
      state: "COMPLETED",
      total: 3,
      invalid: 1,
      report: { success: false, sheet: "Products", created: 0, unchanged: 0, errorCount: 2, errorsUrl: `/api/v1/imports/${jobId}/errors.csv`, errors: [expect.objectContaining({ row: 5 })] },
    });
    const errors = await call(errorsRoute, { path: `/api/v1/imports/${jobId}/errors.csv`, params: { jobId }, auth });
    expect([errors.status, errors.headers.get("content-type")]).toEqual([200, "text/csv; charset=utf-8"]);
    expect(parse(errors.text, { bom: true, columns: true })).toHaveLength(2);
    const list = await call(listRoute, { path: "/api/v1/imports", auth });
    expect(list.json.imports[0]).toMatchObject({ jobId, entityType: "products", dryRun: true, state: "COMPLETED", valid: 2, imported: 0 });
    const entities = await call(entitiesRoute, { path: "/api/v1/imports/entities", auth });
    expect(entities.json.entities.map((entity: { entityType: string }) => entity.entityType)).toEqual(["products", "sales", "inventory", "warehouses", "lead-times"]);
    const mapping = await call(mappingRoute, { method: "POST", path: "/api/v1/imports/mapping", body: { filePath: "products.xlsx", entityType: "products", sheet: "Products" }, auth });
    expect(mapping.json).toEqual({
      mapping: { SKU: "sku", Name: "name", Bin: "category", "Unit cost": "unitCost" },
      source: "saved",
      unmatchedColumns: ["Barcode", "Launched", "Pack", "Case cost", "Margin", "Counted at"],
      missingRequired: [],
    });
    const missing = await call(importRoute, { path: "/api/v1/imports/nope", params: { jobId: "nope" }, auth });
    expect(missing.status).toBe(404);
  });

  it("imports another sheet of the workbook: stock levels, dated the day of the import when the file has no date", async () => {
    await db().warehouse.create({ data: { organizationId, code: "WH-01", name: "Main", region: "North", capacity: 1_000 } });
    const { result } = await runImport({ filePath: "products.xlsx", entityType: "inventory", sheet: "Stock & counts" });
    expect(result.report).toMatchObject({ total: 1, imported: 1, created: 1 });
    const stock = await db().stockSnapshot.findMany({ where: { organizationId } });
    expect(stock.map((row) => [row.date.toISOString().slice(0, 10), row.onHand])).toEqual([[new Date().toISOString().slice(0, 10), 150]]);
  });

  it("imports sales from a CSV, and the same file again changes nothing", async () => {
    const lines = ["Item code,Day,Units", ...Array.from({ length: 50 }, (_, n) => `00123,${new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10)},${n}`)];
    const name = upload("sales.csv", `\ufeff${lines.join("\r\n")}\r\n`);
    const first = await runImport({ filePath: name, entityType: "sales" });
    expect(first.result).toMatchObject({ success: true, errorsUrl: null, report: { total: 50, valid: 50, imported: 50, created: 50, updated: 0, unchanged: 0, errors: [] } });
    const again = await runImport({ filePath: name, entityType: "sales" });
    expect(again.result.report).toMatchObject({ imported: 50, created: 0, updated: 0, unchanged: 50 });
    expect(await salesCount()).toBe(50);

    // A dry run of a changed file says what it would do and writes nothing.
    const changed = upload("sales-changed.csv", ["Item code;Day;Units", "00123;01/01/2026;7", "00123;01.03.2026;1"].join("\n"));
    const dry = await runImport({ filePath: changed, entityType: "sales", dryRun: true });
    expect(dry.result).toMatchObject({ success: true, dryRun: true, report: { imported: 0, created: 1, updated: 1 } });
    expect(await salesCount()).toBe(50);
    expect((await db().salesDaily.findFirstOrThrow({ where: { organizationId, date: new Date("2026-01-01T00:00:00Z") } })).quantity).toBe(0);
  });

  it("a cancel mid-file stops the import and leaves no row", { timeout: 120_000 }, async () => {
    const before = await salesCount();
    const rows = Array.from({ length: 300_000 }, (_, n) => `00123,${new Date(Date.UTC(2030, 0, 1 + n)).toISOString().slice(0, 10)},${n}`);
    const name = upload("big.csv", `SKU,Date,Quantity\n${rows.join("\n")}\n`);
    const jobId = await launch({ filePath: name, entityType: "sales", mode: "valid-rows" });
    // Progress lives on the BullMQ job while it runs: wait until rows are being read.
    await waitFor(async () => {
      const job = await queueManager().getJob("import", jobId);
      return (job?.progress as { message?: string } | undefined)?.message?.startsWith("Read ");
    }, 60_000, 20);
    expect(await cancelJob("import", jobId, planner.principal)).toMatchObject({ ok: true });
    const run = await finished(jobId);
    expect(run.state).toBe("CANCELLED");
    expect(await salesCount()).toBe(before);
    expect(await db().importReport.findUnique({ where: { jobId } })).toBeNull();
  });

  it("fails at once, without retries, when the mapping does not fit the file or the file is not one", { timeout: 90_000 }, async () => {
    const name = upload("short.csv", "Item code,Units\n00123,5\n");
    const jobId = await launch({ filePath: name, entityType: "sales" });
    const run = await finished(jobId);
    expect([run.state, run.attempts]).toEqual(["FAILED", 1]);
    expect(run.failedReason).toBe("The file cannot be imported as sales history: no column is mapped to the required field date (Date)");

    const binary = path.join(organizationUploadDir(organizationId), "binary.csv");
    copyFileSync(path.join(FIXTURES, "binary-disguised.csv"), binary);
    const failed = await finished(await launch({ filePath: "binary.csv", entityType: "sales" }));
    expect(failed.state).toBe("FAILED");
    expect(failed.failedReason).toMatch(/CSV|binary|not/i);
  });
});
