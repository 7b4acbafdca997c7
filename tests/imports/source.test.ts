import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectFile, readRows, UnsupportedFileError, type DetectedFile, type SourceRow } from "@/lib/imports/source";
import { WORKBOOK_PARTS, writeZip } from "./zip-writer";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/imports");
const fixture = (name: string) => path.join(FIXTURES, name);

async function allRows(filePath: string, detected: DetectedFile, options?: { sheet?: string; signal?: AbortSignal }): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const row of readRows(filePath, detected, options)) rows.push(row);
  return rows;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "imports-source-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("CSV and TSV (files written by LibreOffice, iconv and printf)", () => {
  it("reads UTF-8 with a BOM and semicolons, values verbatim (decimal commas, leading zeros, quoted delimiter)", async () => {
    const file = fixture("utf8-bom-semicolon.csv");
    const detected = await detectFile(file);
    expect(detected).toEqual({ format: "csv", encoding: "utf-8", delimiter: ";", sheets: [], headers: ["SKU", "Name", "Unit cost", "Launched"] });
    expect(await allRows(file, detected)).toEqual([
      { row: 2, sheet: null, values: { SKU: "00123", Name: "Café crème", "Unit cost": "2,50", Launched: "01.01.2024" } },
      { row: 3, sheet: null, values: { SKU: "0000000456", Name: "Müller; Spezial", "Unit cost": "0,10", Launched: "31.12.2023" } },
    ]);
  });

  it("detects Windows-1252 when the bytes are not UTF-8", async () => {
    const file = fixture("windows-1252.csv");
    const detected = await detectFile(file);
    expect(detected).toMatchObject({ format: "csv", encoding: "windows-1252", delimiter: "," });
    const rows = await allRows(file, detected);
    expect(rows.map((r) => r.values)).toEqual([
      { SKU: "00123", Name: "Café crème", City: "Zürich" },
      { SKU: "456", Name: "Müller", City: "Köln" },
    ]);
  });

  it("detects UTF-16 LE and BE by their byte-order marks, and tab and pipe delimiters", async () => {
    const tsv = await detectFile(fixture("utf16le-bom.tsv"));
    expect(tsv).toEqual({ format: "tsv", encoding: "utf-16le", delimiter: "\t", sheets: [], headers: ["SKU", "Name", "On hand"] });
    expect((await allRows(fixture("utf16le-bom.tsv"), tsv)).map((r) => r.values.Name)).toEqual(["Café crème", "日本語"]);
    const be = await detectFile(fixture("utf16be-bom.csv"));
    expect(be).toMatchObject({ format: "csv", encoding: "utf-16be", delimiter: "|", headers: ["SKU", "Name", "On hand"] });
    expect(await allRows(fixture("utf16be-bom.csv"), be)).toEqual([{ row: 2, sheet: null, values: { SKU: "00123", Name: "Café", "On hand": "150" } }]);
  });

  it("numbers rows as the spreadsheet does when quoted fields hold newlines", async () => {
    const file = fixture("quoted-newlines.csv");
    const rows = await allRows(file, await detectFile(file));
    expect(rows).toEqual([
      { row: 2, sheet: null, values: { SKU: "00123", Description: "First line\nsecond line, with a comma", Quantity: "5" } },
      { row: 3, sheet: null, values: { SKU: "00124", Description: 'Says "hello"\n\nafter an empty line', Quantity: "6" } },
      { row: 4, sheet: null, values: { SKU: "00125", Description: "Plain", Quantity: "7" } },
    ]);
  });

  it("skips blank rows without renumbering the rest, pads short rows and names blank or repeated headers", async () => {
    const file = path.join(dir, "blanks.csv");
    await writeFile(file, "SKU,,Qty,Qty\n001,x,1,2\n\n;;\n002\n,,,\n\n");
    const detected = await detectFile(file);
    expect(detected.headers).toEqual(["SKU", "Column B", "Qty", "Qty (2)"]);
    expect(await allRows(file, detected)).toEqual([
      { row: 2, sheet: null, values: { SKU: "001", "Column B": "x", Qty: "1", "Qty (2)": "2" } },
      { row: 4, sheet: null, values: { SKU: ";;", "Column B": "", Qty: "", "Qty (2)": "" } },
      { row: 5, sheet: null, values: { SKU: "002", "Column B": "", Qty: "", "Qty (2)": "" } },
    ]);
  });

  it("chooses the delimiter that splits lines consistently, not the one that merely appears", async () => {
    const file = path.join(dir, "semicolons-with-commas.csv");
    await writeFile(file, "SKU;Name;Price\n001;Bolt, M8;1,20\n002;Nut, M8;0,80\n003;Washer;0,05\n");
    expect(await detectFile(file)).toMatchObject({ delimiter: ";", headers: ["SKU", "Name", "Price"] });
  });

  it("streams a file larger than any buffer, stopping when the signal aborts", async () => {
    const file = path.join(dir, "long.csv");
    const lines = ["SKU,Qty"];
    for (let i = 1; i <= 50_000; i++) lines.push(`${String(i).padStart(6, "0")},${i}`);
    await writeFile(file, lines.join("\n"));
    const detected = await detectFile(file);
    const controller = new AbortController();
    let seen = 0;
    await expect(
      (async () => {
        for await (const row of readRows(file, detected, { signal: controller.signal })) {
          seen++;
          if (row.row === 1001) controller.abort(new Error("cancelled by the user"));
        }
      })(),
    ).rejects.toThrow("cancelled by the user");
    expect(seen).toBe(1000);
    expect((await allRows(file, detected)).at(-1)).toEqual({ row: 50_001, sheet: null, values: { SKU: "050000", Qty: "50000" } });
  });
});

describe("XLSX written by LibreOffice", () => {
  const file = fixture("products-two-sheets.xlsx");

  it("lists the sheets and reads the first by default: dates, formulas, codes as text, formats as shown", async () => {
    const detected = await detectFile(file);
    expect(detected).toEqual({
      format: "xlsx",
      encoding: null,
      delimiter: null,
      sheets: ["Products", "Stock & counts"],
      headers: ["SKU", "Name", "Barcode", "Launched", "Unit cost", "Pack", "Case cost", "Bin", "Margin", "Counted at"],
    });
    expect(await allRows(file, detected)).toEqual([
      {
        row: 2,
        sheet: "Products",
        values: {
          SKU: "00123",
          Name: "Café crème",
          Barcode: "12345678901234567890",
          Launched: "2024-01-01",
          "Unit cost": "2.50",
          Pack: "12",
          "Case cost": "30.00",
          Bin: "00042",
          Margin: "15%",
          "Counted at": "2024-03-05T14:30:00",
        },
      },
      {
        row: 3,
        sheet: "Products",
        values: {
          SKU: "0000000456",
          Name: 'Müller "Spezial"',
          Barcode: "98765432109876",
          Launched: "2023-12-31",
          "Unit cost": "0.10",
          Pack: "3",
          "Case cost": "0.30",
          Bin: "00007",
          Margin: "50%",
          "Counted at": "",
        },
      },
      // Row 4 is blank in the sheet; the next row keeps the number Excel shows.
      {
        row: 5,
        sheet: "Products",
        values: { SKU: "A-9", Name: "After a blank row", Barcode: "1E5", Launched: "", "Unit cost": "", Pack: "", "Case cost": "", Bin: "", Margin: "", "Counted at": "" },
      },
    ]);
  });

  it("reads a chosen sheet, and refuses one that does not exist", async () => {
    const detected = await detectFile(file, { sheet: "Stock & counts" });
    expect(detected.headers).toEqual(["SKU", "Warehouse", "On hand"]);
    expect(await allRows(file, detected, { sheet: "Stock & counts" })).toEqual([
      { row: 2, sheet: "Stock & counts", values: { SKU: "00123", Warehouse: "WH-01", "On hand": "150" } },
    ]);
    await expect(detectFile(file, { sheet: "Nope" })).rejects.toThrow('the workbook has no sheet "Nope" (its sheets: "Products", "Stock & counts")');
  });

  it("goes by content, not by name: an XLSX called .csv is read as XLSX", async () => {
    const renamed = path.join(dir, "really-a-workbook.csv");
    await copyFile(file, renamed);
    expect((await detectFile(renamed)).format).toBe("xlsx");
  });
});

describe("files that are refused, with what is wrong", () => {
  it("refuses a binary file disguised as CSV", async () => {
    await expect(detectFile(fixture("binary-disguised.csv"))).rejects.toThrow(UnsupportedFileError);
    await expect(detectFile(fixture("binary-disguised.csv"))).rejects.toThrow(/not text \(byte \d+ is a control character/);
  });

  it("refuses a truncated XLSX", async () => {
    await expect(detectFile(fixture("truncated.xlsx"))).rejects.toThrow(/the XLSX file is truncated or damaged/);
  });

  it("names well-known files sent by mistake", async () => {
    const pdf = path.join(dir, "report.csv");
    await writeFile(pdf, "%PDF-1.7\n%âãÏÓ\n1 0 obj\n");
    await expect(detectFile(pdf)).rejects.toThrow("the file is a PDF, not CSV, TSV or XLSX");
    const empty = path.join(dir, "empty.csv");
    await writeFile(empty, "");
    await expect(detectFile(empty)).rejects.toThrow("the file is empty");
    const blank = path.join(dir, "blank.csv");
    await writeFile(blank, "\n\n,,\n");
    await expect(detectFile(blank)).rejects.toThrow("the file has no header row");
  });

  it("refuses a zip that is not a workbook", async () => {
    const zip = path.join(dir, "archive.xlsx");
    await writeZip(zip, [{ name: "readme.txt", text: "hello" }]);
    await expect(detectFile(zip)).rejects.toThrow("a zip archive without an Excel workbook in it");
  });

  it("refuses a zip bomb from its declared sizes, before inflating it", async () => {
    const bomb = path.join(dir, "bomb.xlsx");
    // 64 MB of zeros deflate to about 64 kB: a thousandfold, where spreadsheet XML is 5–20-fold.
    await writeZip(bomb, [...WORKBOOK_PARTS, { name: "xl/worksheets/sheet1.xml", zeros: 64 * 1024 ** 2 }]);
    await expect(detectFile(bomb)).rejects.toThrow(/zip bomb: its part xl\/worksheets\/sheet1.xml inflates \d+ times/);
  });

  it("refuses a zip bomb that lies about its sizes, once a part inflates past what it declared", async () => {
    const liar = path.join(dir, "liar.xlsx");
    await writeZip(liar, [...WORKBOOK_PARTS, { name: "xl/worksheets/sheet1.xml", zeros: 50 * 1024 ** 2, declaredSize: 10_000 }]);
    await expect(detectFile(liar)).rejects.toThrow(/zip bomb: its part xl\/worksheets\/sheet1.xml inflates past the 10000 bytes it declares/);
  });
});
