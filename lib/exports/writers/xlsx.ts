import ExcelJS from "exceljs";
import type { ExportColumn, ExportRow } from "../export-entities";
import type { WriterFactory } from "./types";

/** Excel's last row is 1,048,576; one is the header. Past it the rows go on in a new sheet. */
export const XLSX_ROWS_PER_SHEET = 1_048_575;

const NUMBER_FORMATS: Partial<Record<ExportColumn["type"], string>> = {
  integer: "#,##0",
  decimal: "#,##0.00",
  date: "yyyy-mm-dd",
  datetime: "yyyy-mm-dd hh:mm",
};

/** Typed cells: dates as Excel dates (UTC midnight, so no zone shifts a day), numbers as numbers, text as text. */
function cellValue(column: ExportColumn, value: string | number | null | undefined): string | number | Date | null {
  if (value === null || value === undefined) return null;
  if (column.type === "date" && typeof value === "string") return new Date(`${value}T00:00:00Z`);
  if (column.type === "datetime" && typeof value === "string") return new Date(value);
  return value;
}

/**
 * An .xlsx written with exceljs's streaming writer: each row is committed to the zip as it comes,
 * the header is bold and frozen, columns are typed and sized. Shared strings are off, so memory
 * does not grow with distinct text values.
 */
export const xlsxWriter: WriterFactory = async (path, heading) => {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  workbook.creator = "CapLiquify";
  workbook.created = heading.generatedAt;
  workbook.title = `${heading.title} — ${heading.organization}`;
  workbook.description = heading.filters.join("; ");
  let sheet: ExcelJS.Worksheet;
  let sheetRows = 0;
  let sheets = 0;
  const addSheet = () => {
    sheets += 1;
    const name = `${heading.title}${sheets > 1 ? ` ${sheets}` : ""}`.slice(0, 31);
    sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = heading.columns.map((column) => ({
      header: column.header,
      key: column.key,
      width: Math.max(column.header.length + 2, column.type === "text" ? 14 * (column.width ?? 1) : 12),
      style: NUMBER_FORMATS[column.type] ? { numFmt: NUMBER_FORMATS[column.type] } : {},
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    sheetRows = 0;
  };
  addSheet();
  return {
    async write(row: ExportRow) {
      if (sheetRows === XLSX_ROWS_PER_SHEET) {
        sheet.commit();
        addSheet();
      }
      const values: Record<string, string | number | Date | null> = {};
      for (const column of heading.columns) values[column.key] = cellValue(column, row[column.key]);
      sheet.addRow(values).commit();
      sheetRows += 1;
      // The writer streams to the file itself; yield now and then so the zip stream can flush.
      if (sheetRows % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    },
    async close() {
      sheet.commit();
      await workbook.commit();
    },
    async abort() {
      // exceljs has no abort: finishing the zip closes the file, which the caller then deletes.
      await workbook.commit().catch(() => {});
    },
  };
};
