import type { ExportColumn, ExportRow } from "../export-entities";

/** What every format prints above or beside the data: a file that says what it is. */
export interface ExportHeading {
  title: string;
  organization: string;
  filters: string[];
  generatedAt: Date;
  columns: readonly ExportColumn[];
}

export interface ChartPoint {
  date: string;
  value: number;
  lower?: number | null;
  upper?: number | null;
}

/** A product's history and forecast, drawn above its rows in the PDF. */
export interface ChartData {
  history: ChartPoint[];
  forecast: ChartPoint[];
}

/**
 * One export file being written. Rows go in one at a time and `write` waits while the disk is
 * behind, so memory stays flat whatever the row count.
 */
export interface ExportWriter {
  write(row: ExportRow): Promise<void>;
  /** Only formats that draw charts (PDF) take groups; the others write the rows alone. */
  startGroup?(title: string, chart: ChartData): Promise<void>;
  /** Finishes the file and resolves once it is on disk. */
  close(): Promise<void>;
  /** Stops writing after a cancel or an error; the caller deletes the partial file. */
  abort(): Promise<void>;
}

export type WriterFactory = (path: string, heading: ExportHeading) => Promise<ExportWriter>;
