import { describe, expect, it } from "vitest";
import type { ImportEntity } from "@/components/imports/import-api";
import { mappingProblems, mappingToSend, NOT_IMPORTED } from "@/components/imports/mapping-problems";
import { cellProblemsOf, columnsOf, problemsOf } from "@/components/imports/report-problems";

const sales: ImportEntity = {
  entityType: "sales",
  label: "Sales history",
  naturalKey: ["sku", "date"],
  fields: [
    { field: "sku", label: "SKU", required: true, description: "" },
    { field: "date", label: "Date", required: true, description: "" },
    { field: "quantity", label: "Quantity", required: true, description: "" },
    { field: "note", label: "Note", required: false, description: "" },
  ],
};

describe("mappingProblems", () => {
  it("names the required fields no column feeds, by label, and ignores optional ones", () => {
    expect(mappingProblems(sales, { "Item code": "sku", Day: "date", Qty: NOT_IMPORTED })).toEqual({ missing: ["Quantity"], doubled: [] });
  });

  it("names a field fed by two columns", () => {
    expect(mappingProblems(sales, { "Item code": "sku", Day: "date", Qty: "quantity", "Qty (2)": "quantity" })).toEqual({ missing: [], doubled: ["Quantity"] });
  });

  it("finds nothing wrong when each required field has one column", () => {
    expect(mappingProblems(sales, { "Item code": "sku", Day: "date", Qty: "quantity", Remarks: NOT_IMPORTED })).toEqual({ missing: [], doubled: [] });
  });
});

describe("mappingToSend", () => {
  it("leaves out the columns set to not imported", () => {
    expect(mappingToSend({ "Item code": "sku", Remarks: NOT_IMPORTED, Day: "date" })).toEqual({ "Item code": "sku", Day: "date" });
  });
});

describe("report problems", () => {
  const entry = {
    row: 7,
    sheet: "Stock",
    data: { SKU: "0042", Qty: "-3", When: "2026-13-01" },
    errors: ["Qty: must be 0 or more", "When: not a date", "Qty: not a whole number"],
    issues: [
      { column: "Qty", field: "quantity", value: "-3", message: "must be 0 or more" },
      { column: "When", field: "date", value: "2026-13-01", message: "not a date" },
      { column: "Qty", field: "quantity", value: "-3", message: "not a whole number" },
    ],
  };

  it("gives one line per issue, with the cell as written", () => {
    expect(problemsOf(entry).map((problem) => [problem.row, problem.sheet, problem.column, problem.value, problem.message])).toEqual([
      [7, "Stock", "Qty", "-3", "must be 0 or more"],
      [7, "Stock", "When", "2026-13-01", "not a date"],
      [7, "Stock", "Qty", "-3", "not a whole number"],
    ]);
  });

  it("falls back to the messages when a report names no columns", () => {
    expect(problemsOf({ row: 3, sheet: null, data: { SKU: "X" }, errors: ["duplicate of row 2"], issues: [] })).toEqual([{ row: 3, sheet: null, column: null, field: null, value: "", message: "duplicate of row 2" }]);
  });

  it("outlines exactly the offending cells, joining two problems of one cell", () => {
    const problem = cellProblemsOf(problemsOf(entry));
    expect(problem(7, "Qty")).toBe("must be 0 or more; not a whole number");
    expect(problem(7, "When")).toBe("not a date");
    expect(problem(7, "SKU")).toBeUndefined();
    expect(problem(8, "Qty")).toBeUndefined();
  });

  it("lists the columns of the error rows in the file's order, each once", () => {
    expect(columnsOf([entry, { row: 9, sheet: null, data: { SKU: "1", Extra: "x" }, errors: [], issues: [] }])).toEqual(["SKU", "Qty", "When", "Extra"]);
  });
});
