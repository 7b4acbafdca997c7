import { rename, rm } from "node:fs/promises";
import type { ExportColumn } from "../exports/export-entities";
import { csvWriter } from "../exports/writers/csv";
import type { ExportWriter } from "../exports/writers/types";
import type { RowError } from "./validate-rows";

/** The error file's columns: one line per bad cell. */
export const ERROR_COLUMNS: readonly ExportColumn[] = [
  { key: "row", header: "row", type: "integer" },
  { key: "sheet", header: "sheet", type: "text" },
  { key: "column", header: "column", type: "text" },
  { key: "field", header: "field", type: "text" },
  { key: "value", header: "value", type: "text" },
  { key: "message", header: "message", type: "text" },
];

/**
 * The full error list of an import, written as the rows are read (CSV through the export's writer:
 * csv-stringify, a BOM for Excel, formula-like cells neutralised), so a file with a million bad
 * rows costs disk, not memory. The file appears under its name only when complete.
 */
export class ErrorFile {
  private writer: ExportWriter | null = null;
  /** Lines written: one per issue. */
  count = 0;

  constructor(
    private readonly path: string,
    private readonly heading: { title: string; organization: string },
  ) {}

  async write(error: RowError): Promise<void> {
    // Opened on the first error: a clean import leaves no file.
    this.writer ??= await csvWriter(`${this.path}.partial`, { ...this.heading, filters: [], generatedAt: new Date(), columns: ERROR_COLUMNS });
    for (const issue of error.issues) {
      await this.writer.write({ row: error.row, sheet: error.sheet, column: issue.column, field: issue.field, value: issue.value, message: issue.message });
      this.count += 1;
    }
  }

  /** Finishes the file; resolves with whether there is one (no errors, no file). */
  async close(): Promise<boolean> {
    if (!this.writer) {
      await rm(this.path, { force: true });
      return false;
    }
    await this.writer.close();
    await rename(`${this.path}.partial`, this.path);
    return true;
  }

  async discard(): Promise<void> {
    await this.writer?.abort().catch(() => {});
    await rm(`${this.path}.partial`, { force: true });
  }
}
