import { stringify } from "csv-stringify";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import type { ExportRow } from "../export-entities";
import { openFile } from "./file-stream";
import type { WriterFactory } from "./types";

/**
 * A text cell that starts like a formula (=, +, -, @, tab, CR) is run by Excel and LibreOffice when
 * the CSV is opened: prefixing an apostrophe makes it text there (OWASP "CSV injection"). Only text
 * columns: a negative number stays a number.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180 CSV with a header row, UTF-8 with a BOM so Excel reads accents right, CRLF line ends. */
export const csvWriter: WriterFactory = async (path, heading) => {
  const file = await openFile(path);
  const textColumns = new Set(heading.columns.filter((column) => column.type === "text").map((column) => column.key));
  const stringifier = stringify({
    bom: true,
    header: true,
    record_delimiter: "windows",
    columns: heading.columns.map((column) => ({ key: column.key, header: column.header })),
  });
  const done = pipeline(stringifier, file.stream);
  done.catch(() => {});
  return {
    async write(row: ExportRow) {
      const record: Record<string, string | number | null> = {};
      for (const column of heading.columns) {
        const value = row[column.key] ?? null;
        record[column.key] = typeof value === "string" && textColumns.has(column.key) ? neutraliseFormula(value) : value;
      }
      if (!stringifier.write(record)) await once(stringifier, "drain");
    },
    async close() {
      stringifier.end();
      await done;
    },
    async abort() {
      stringifier.destroy();
      await file.destroy();
    },
  };
};
