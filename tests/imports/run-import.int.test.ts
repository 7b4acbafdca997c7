import { beforeAll, describe, expect, it } from "vitest";
import { db, sqlPool } from "@/lib/db";
import { importEntity, type ImportEntityType } from "@/lib/imports/entities";
import { matchHeaders } from "@/lib/imports/mapping";
import { runImport, type RunImportOptions } from "@/lib/imports/run-import";
import type { SourceRow } from "@/lib/imports/source";
import type { RowError } from "@/lib/imports/validate-rows";
import { createTestOrganization } from "../helpers/fixtures";

/** Rows as a reader gives them: header = row 1, so the first data row is row 2. */
async function* rowsOf(headers: string[], lines: string[][], { sheet = null, onRow }: { sheet?: string | null; onRow?: (row: number) => void } = {}): AsyncIterable<SourceRow> {
  for (const [index, line] of lines.entries()) {
    onRow?.(index + 2);
    yield { row: index + 2, sheet, values: Object.fromEntries(headers.map((header, column) => [header, line[column] ?? ""])) };
  }
}

function importRows(organizationId: string, entityType: ImportEntityType, headers: string[], lines: string[][], options: Partial<RunImportOptions> = {}) {
  const entity = importEntity(entityType);
  return runImport({ pool: sqlPool(db()), organizationId, entity, mapping: matchHeaders(entity, headers), rows: rowsOf(headers, lines), ...options });
}

async function salesOf(organizationId: string) {
  const rows = await db().salesDaily.findMany({ where: { organizationId }, include: { product: { select: { sku: true } } }, orderBy: [{ product: { sku: "asc" } }, { date: "asc" }] });
  return rows.map((row) => [row.product.sku, row.date.toISOString().slice(0, 10), row.quantity]);
}

/** Everything an import could touch in an organisation, to compare before and after. */
async function snapshot(organizationId: string) {
  const where = { where: { organizationId } };
  return {
    products: await db().product.findMany({ ...where, orderBy: { sku: "asc" } }),
    sales: await salesOf(organizationId),
    stock: await db().stockSnapshot.findMany({ ...where, orderBy: [{ productId: "asc" }, { date: "asc" }] }),
    warehouses: await db().warehouse.findMany({ ...where, orderBy: { code: "asc" } }),
    supply: await db().productSupply.findMany({ ...where, orderBy: { productId: "asc" } }),
  };
}

const PRODUCT_HEADERS = ["Item code", "Description", "Group", "Cost", "Price"];
const SALES_HEADERS = ["SKU", "Date", "Qty"];

describe("runImport", () => {
  let organizationId: string;
  let otherOrganizationId: string;

  beforeAll(async () => {
    organizationId = (await createTestOrganization("Import Works")).id;
    otherOrganizationId = (await createTestOrganization("Other Works")).id;
    // The other organisation has a product with the same SKU: imports must neither see nor touch it.
    await db().product.create({ data: { organizationId: otherOrganizationId, sku: "0017", name: "Theirs", category: "X", unitCost: 9 } });
  });

  it("imports products keeping leading zeros, and a re-import changes nothing", async () => {
    const lines = [
      ["0017", "Bolt M8", "Fasteners", "1.25", "2"],
      ["N-200", "Écrou M8", "Fasteners", "0.5", ""],
    ];
    const first = await importRows(organizationId, "products", PRODUCT_HEADERS, lines);
    expect(first).toMatchObject({ total: 2, valid: 2, invalid: 0, imported: 2, created: 2, updated: 0, unchanged: 0, written: true, errors: [] });
    const products = await db().product.findMany({ where: { organizationId }, orderBy: { sku: "asc" } });
    expect(products.map((product) => [product.sku, product.name, product.unitCost.toString(), product.unitPrice.toString()])).toEqual([
      ["0017", "Bolt M8", "1.25", "2"],
      ["N-200", "Écrou M8", "0.5", "0"],
    ]);
    const again = await importRows(organizationId, "products", PRODUCT_HEADERS, lines);
    expect(again).toMatchObject({ imported: 2, created: 0, updated: 0, unchanged: 2 });
    // An empty optional cell keeps the stored price; a changed cost is one update.
    await db().product.update({ where: { organizationId_sku: { organizationId, sku: "N-200" } }, data: { unitPrice: 0.9 } });
    const changed = await importRows(organizationId, "products", PRODUCT_HEADERS, [lines[0]!, ["N-200", "Écrou M8", "Fasteners", "0.55", ""]]);
    expect(changed).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const nut = await db().product.findUniqueOrThrow({ where: { organizationId_sku: { organizationId, sku: "N-200" } } });
    expect([nut.unitCost.toString(), nut.unitPrice.toString()]).toEqual(["0.55", "0.9"]);
    const theirs = await db().product.findUniqueOrThrow({ where: { organizationId_sku: { organizationId: otherOrganizationId, sku: "0017" } } });
    expect(theirs.name).toBe("Theirs");
  });

  it("all-or-nothing writes nothing when one row is bad, and names the row and column", async () => {
    const before = await snapshot(organizationId);
    const outcome = await importRows(organizationId, "sales", SALES_HEADERS, [
      ["0017", "2026-01-01", "5"],
      ["0017", "2026-01-02", "five"],
      ["N-200", "2026-01-01", "3"],
    ]);
    expect(outcome).toMatchObject({ total: 3, valid: 2, invalid: 1, imported: 0, written: false });
    expect(outcome.errors).toMatchObject([{ row: 3, errors: [expect.stringMatching(/^Qty: "five" is not a number/)], issues: [{ column: "Qty", field: "quantity", value: "five" }] }]);
    expect(await snapshot(organizationId)).toEqual(before);
  });

  it("valid-rows imports the valid rows and reports the others: unknown SKUs, duplicates", async () => {
    const errors: RowError[] = [];
    const outcome = await importRows(
      organizationId,
      "sales",
      SALES_HEADERS,
      [
        ["0017", "2026-01-01", "5"],
        ["17", "2026-01-01", "5"],
        ["N-200", "01/01/2026", "3"],
        ["", "", ""],
        ["0017", "01/01/2026", "6"],
      ],
      { mode: "valid-rows", onError: (error) => void errors.push(error) },
    );
    // The blank row 5 is no data; rows 3 and 6 are reported with their spreadsheet numbers.
    expect(outcome).toMatchObject({ total: 4, valid: 2, invalid: 2, imported: 2, created: 2, written: true });
    expect(errors.map((error) => [error.row, error.issues[0]!.column, error.issues[0]!.message])).toEqual([
      [3, "SKU", 'no product with SKU "17" in the organisation'],
      [6, "SKU", "duplicate of row 2 (same SKU and Date); only the first is imported"],
    ]);
    expect(outcome.errors).toEqual(errors);
    expect(await salesOf(organizationId)).toEqual([
      ["0017", "2026-01-01", 5],
      ["N-200", "2026-01-01", 3],
    ]);
  });

  it("a dry run reports what it would do and writes nothing", async () => {
    const before = await snapshot(organizationId);
    const outcome = await importRows(organizationId, "sales", SALES_HEADERS, [["0017", "2026-01-01", "8"], ["0017", "2026-01-03", "1"], ["N-200", "2026-01-01", "3"]], { dryRun: true });
    expect(outcome).toMatchObject({ total: 3, valid: 3, invalid: 0, imported: 0, created: 1, updated: 1, unchanged: 1, written: false });
    expect(await snapshot(organizationId)).toEqual(before);
  });

  it("a cancellation or a failing file mid-way leaves the database as it was", async () => {
    const before = await snapshot(organizationId);
    const controller = new AbortController();
    const many = Array.from({ length: 12_000 }, (_, n) => ["0017", new Date(Date.UTC(2027, 0, 1 + n)).toISOString().slice(0, 10), "1"]);
    const entity = importEntity("sales");
    const cancelled = runImport({
      pool: sqlPool(db()),
      organizationId,
      entity,
      mapping: matchHeaders(entity, SALES_HEADERS),
      signal: controller.signal,
      rows: rowsOf(SALES_HEADERS, many, { onRow: (row) => row === 7_000 && controller.abort(new Error("cancelled by the test")) }),
    });
    await expect(cancelled).rejects.toThrow("cancelled by the test");

    async function* failing(): AsyncIterable<SourceRow> {
      yield* rowsOf(SALES_HEADERS, many.slice(0, 100));
      throw new Error("the file is truncated");
    }
    await expect(runImport({ pool: sqlPool(db()), organizationId, entity, mapping: matchHeaders(entity, SALES_HEADERS), rows: failing() })).rejects.toThrow("the file is truncated");
    expect(await snapshot(organizationId)).toEqual(before);
  });

  it("imports warehouses, stock levels and lead times, by natural key", async () => {
    const warehouses = await importRows(organizationId, "warehouses", ["Code", "Name", "Region", "Type", "Capacity", "Share"], [
      ["DC", "Central", "Mid", "central", "10,000", ""],
      ["EAST", "East", "East", "", "5000", "1"],
    ]);
    expect(warehouses).toMatchObject({ created: 2, invalid: 0 });
    expect((await db().warehouse.findMany({ where: { organizationId }, orderBy: { code: "asc" } })).map((w) => [w.code, w.kind, w.capacity, w.demandShare])).toEqual([
      ["DC", "CENTRAL", 10_000, 0],
      ["EAST", "REGIONAL", 5_000, 1],
    ]);

    const stockHeaders = ["Part number", "Location", "As of", "Qty on hand"];
    const stockLines = [
      ["0017", "DC", "2026-01-31", "500"],
      ["0017", "EAST", "31/01/2026", "40"],
      ["0017", "WEST", "2026-01-31", "1"],
      ["0017", "DC", "31.01.2026", "7"],
    ];
    const stock = await importRows(organizationId, "inventory", stockHeaders, stockLines, { mode: "valid-rows" });
    expect(stock).toMatchObject({ created: 2, invalid: 2 });
    expect(stock.errors.map((error) => [error.row, error.issues[0]!.column, error.issues[0]!.message])).toEqual([
      [4, "Location", 'no warehouse with code "WEST" in the organisation'],
      [5, "Part number", "duplicate of row 2 (same SKU and Warehouse and Date); only the first is imported"],
    ]);
    const again = await importRows(organizationId, "inventory", stockHeaders, stockLines, { mode: "valid-rows" });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });

    const leadTimes = await importRows(organizationId, "lead-times", ["SKU", "Vendor", "Lead time (days)", "Order cost", "Holding rate"], [["0017", "Acme", "14", "50", "0.25"]]);
    expect(leadTimes).toMatchObject({ created: 1 });
    const product = await db().product.findUniqueOrThrow({ where: { organizationId_sku: { organizationId, sku: "0017" } }, include: { supply: true } });
    expect(product.supply).toMatchObject({ supplier: "Acme", leadTimeDays: 14, leadTimeStdDays: 0, holdingCostRate: 0.25, serviceLevel: 0.95 });
    expect(product.supply!.orderingCost.toString()).toBe("50");
  });
});
