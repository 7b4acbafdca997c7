import { describe, expect, it } from "vitest";
import { dateCell, integerCell, numberCell } from "@/lib/imports/cells";
import { importEntities, importEntity } from "@/lib/imports/entities";
import { mappingProblems, matchHeaders, normalizeHeader, suggestMapping } from "@/lib/imports/mapping";
import type { SourceRow } from "@/lib/imports/source";
import { RowValidator } from "@/lib/imports/validate-rows";

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((issue) => issue.message) ?? [];

describe("cells", () => {
  it("reads ISO and day-first dates as the calendar day, and says which forms it expected", () => {
    const date = dateCell();
    expect(date.parse("2026-02-01")).toBe("2026-02-01");
    expect(date.parse("2026-02-01T00:00:00")).toBe("2026-02-01");
    expect(date.parse("01/02/2026")).toBe("2026-02-01");
    expect(date.parse("1.2.2026")).toBe("2026-02-01");
    expect(date.parse("29/02/2028")).toBe("2028-02-29");
    expect(messages(date.safeParse("12/31/2026"))).toEqual(['"12/31/2026" is not a date (read as dd/mm/yyyy, 31 is not a month); expected yyyy-mm-dd (ISO) or dd/mm/yyyy (or dd.mm.yyyy)']);
    // No 29 February in 2026, no day 31 in April: refused, not rolled over into March or May.
    expect(date.safeParse("2026-02-29").success).toBe(false);
    expect(date.safeParse("31/04/2026").success).toBe(false);
    // An Excel serial that reached a CSV as a number is not guessed at.
    expect(messages(date.safeParse("45292"))[0]).toMatch(/expected yyyy-mm-dd/);
    expect(messages(date.safeParse(""))).toEqual(["is required"]);
  });

  it("reads numbers with dot decimals and comma thousands, and refuses a decimal comma", () => {
    const integer = integerCell({ min: 0 });
    expect(integer.parse("1,234")).toBe(1234);
    expect(integer.parse(" 12 ")).toBe(12);
    expect(integer.parse("12.0")).toBe(12);
    expect(messages(integer.safeParse("12.5"))).toEqual(["must be a whole number"]);
    expect(messages(integer.safeParse("-1"))).toEqual(["must be at least 0"]);
    expect(messages(integer.safeParse("abc"))[0]).toMatch(/^"abc" is not a number/);
    expect(messages(integer.safeParse("1e6"))[0]).toMatch(/is not a number/);
    const money = numberCell({ min: 0, places: 2 });
    expect(money.parse("1,234.50")).toBe(1234.5);
    expect(messages(money.safeParse("1.255"))).toEqual(["must have at most 2 decimals"]);
    expect(messages(money.safeParse("12,5"))[0]).toMatch(/is not a number \(expected digits with a dot/);
  });
});

describe("mapping", () => {
  it("normalises case, spacing and punctuation", () => {
    expect(normalizeHeader("  Lead time (days) ")).toBe("leadtimedays");
    expect(normalizeHeader("Qty.")).toBe("qty");
    expect(normalizeHeader("Unit_Cost")).toBe("unitcost");
  });

  it("matches headers by name, label and synonym, each field once", () => {
    const sales = importEntity("sales");
    expect(matchHeaders(sales, ["Item code", "Date", "Qty", "Qty", "Comment"])).toEqual({ "Item code": "sku", Date: "date", Qty: "quantity" });
    // "Quantity" is a synonym of onHand in an inventory file.
    expect(matchHeaders(importEntity("inventory"), ["Part number", "Location", "As of", "Quantity"])).toEqual({ "Part number": "sku", Location: "warehouse", "As of": "date", Quantity: "onHand" });
    expect(matchHeaders(importEntity("lead-times"), ["SKU", "Vendor", "Lead time (days)", "Order cost", "Holding rate"])).toEqual({
      SKU: "sku",
      Vendor: "supplier",
      "Lead time (days)": "leadTimeDays",
      "Order cost": "orderingCost",
      "Holding rate": "holdingCostRate",
    });
  });

  it("prefers the saved mapping when the file has all its columns, and lists what is unmatched or missing", () => {
    const products = importEntity("products");
    const headers = ["Ref", "Bezeichnung", "Group", "Cost", "Notes"];
    const saved = { Ref: "sku", Bezeichnung: "name", Group: "category", Cost: "unitCost" };
    expect(suggestMapping(products, headers, saved)).toEqual({ mapping: saved, source: "saved", unmatchedColumns: ["Notes"], missingRequired: [] });
    // Another file without the saved columns: matched by name instead.
    expect(suggestMapping(products, ["SKU", "Name", "Price"], saved)).toEqual({
      mapping: { SKU: "sku", Name: "name", Price: "unitPrice" },
      source: "matched",
      unmatchedColumns: [],
      missingRequired: ["category", "unitCost"],
    });
  });

  it("names every problem of a mapping", () => {
    const sales = importEntity("sales");
    expect(mappingProblems(sales, ["A", "B"], { A: "sku", B: "sku", C: "colour" })).toEqual([
      '"B" and "A" are both mapped to sku',
      'the mapping names a column "C" the file does not have (its columns: "A", "B")',
      '"C" is mapped to "colour", which is no field of sales history (fields: sku, date, quantity)',
      "no column is mapped to the required fields date (Date), quantity (Quantity)",
    ]);
  });

  it("describes every entity with labelled fields and a natural key of its own fields", () => {
    for (const entity of Object.values(importEntities)) {
      const fields = entity.fields.map((spec) => spec.field);
      for (const key of entity.naturalKey) expect(fields).toContain(key);
      for (const spec of entity.fields) expect(spec.label.length * spec.description.length).toBeGreaterThan(0);
    }
  });
});

describe("row validation", () => {
  const row = (n: number, values: Record<string, string>, sheet: string | null = null): SourceRow => ({ row: n, sheet, values });
  const mapping = { "Item code": "sku", Day: "date", Qty: "quantity" };

  it("keeps SKUs as written, checks references, and reports a duplicate naming the first row", () => {
    const validator = new RowValidator(importEntity("sales"), mapping, { product: new Set(["0017", "A-1"]) });
    expect(validator.check(row(2, { "Item code": "0017", Day: "01/02/2026", Qty: "5" }))).toEqual({ ok: true, row: 2, values: { sku: "0017", date: "2026-02-01", quantity: 5 } });
    expect(validator.check(row(3, { "Item code": "17", Day: "2026-02-01", Qty: "5" }))).toMatchObject({
      ok: false,
      error: { row: 3, issues: [{ column: "Item code", field: "sku", value: "17", message: 'no product with SKU "17" in the organisation' }] },
    });
    // The same SKU and day written another way is the same key.
    expect(validator.check(row(4, { "Item code": "0017", Day: "2026-02-01", Qty: "7" }))).toEqual({
      ok: false,
      error: {
        row: 4,
        sheet: null,
        data: { "Item code": "0017", Day: "2026-02-01", Qty: "7" },
        errors: ["Item code: duplicate of row 2 (same SKU and Date); only the first is imported"],
        issues: [{ column: "Item code", field: "sku", value: "0017", message: "duplicate of row 2 (same SKU and Date); only the first is imported" }],
      },
    });
  });

  it("reports every bad cell of a row with its column, and the sheet", () => {
    const validator = new RowValidator(importEntity("sales"), mapping, { product: new Set(["A-1"]) });
    const checked = validator.check(row(9, { "Item code": "", Day: "31/13/2026", Qty: "-2" }, "Sales"));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.error.sheet).toBe("Sales");
    expect(checked.error.issues.map((issue) => [issue.column, issue.field, issue.message])).toEqual([
      ["Item code", "sku", "is required"],
      ["Day", "date", '"31/13/2026" is not a date (read as dd/mm/yyyy, 13 is not a month); expected yyyy-mm-dd (ISO) or dd/mm/yyyy (or dd.mm.yyyy)'],
      ["Qty", "quantity", "must be at least 0"],
    ]);
  });

  it("leaves optional fields undefined when their cells are empty or unmapped", () => {
    const validator = new RowValidator(importEntity("warehouses"), { Code: "code", Name: "name", Region: "region", Capacity: "capacity", Type: "kind" });
    expect(validator.check(row(2, { Code: "DC-1", Name: "Main", Region: "North", Capacity: "1,000", Type: "" }))).toEqual({
      ok: true,
      row: 2,
      values: { code: "DC-1", name: "Main", region: "North", capacity: 1000, kind: undefined, demandShare: undefined },
    });
    expect(validator.check(row(3, { Code: "DC-2", Name: "Main", Region: "North", Capacity: "1", Type: "central" }))).toMatchObject({ ok: true, values: { kind: "CENTRAL" } });
  });
});

describe("decimal commas", () => {
  it("reads 2,50 and 1.234,5 when the file writes decimals with a comma, and says so when a cell is not such a number", () => {
    const validator = new RowValidator(importEntity("lead-times"), { SKU: "sku", Supplier: "supplier", LT: "leadTimeDays", Cost: "orderingCost", Rate: "holdingCostRate" }, {}, { decimalComma: true });
    const row = (n: number, values: Record<string, string>): SourceRow => ({ row: n, sheet: null, values });
    expect(validator.check(row(2, { SKU: "0017", Supplier: "Acme", LT: "14,5", Cost: "1.234,50", Rate: "0,25" }))).toMatchObject({
      ok: true,
      values: { leadTimeDays: 14.5, orderingCost: 1234.5, holdingCostRate: 0.25 },
    });
    const bad = validator.check(row(3, { SKU: "0018", Supplier: "Acme", LT: "14", Cost: "50", Rate: "0.25" }));
    expect(bad.ok ? [] : bad.error.errors).toEqual(['Rate: "0.25" is not a number (expected digits with a comma for decimals, e.g. 1234,5 or 1.234,5)']);
  });
});
