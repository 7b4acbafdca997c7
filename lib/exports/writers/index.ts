import type { JobPayload } from "../../jobs/catalog";
import { csvWriter } from "./csv";
import { jsonLinesWriter, jsonWriter } from "./json";
import { pdfWriter } from "./pdf";
import type { WriterFactory } from "./types";
import { xlsxWriter } from "./xlsx";

export type ExportFormat = JobPayload<"export">["format"];

export interface ExportFormatInfo {
  writer: WriterFactory;
  extension: string;
  contentType: string;
}

/** Each format's writer and how its file is named and served. */
export const exportFormats: Record<ExportFormat, ExportFormatInfo> = {
  csv: { writer: csvWriter, extension: "csv", contentType: "text/csv; charset=utf-8" },
  json: { writer: jsonWriter, extension: "json", contentType: "application/json" },
  jsonl: { writer: jsonLinesWriter, extension: "jsonl", contentType: "application/x-ndjson" },
  xlsx: { writer: xlsxWriter, extension: "xlsx", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
  pdf: { writer: pdfWriter, extension: "pdf", contentType: "application/pdf" },
};

export type { ChartData, ExportHeading, ExportWriter } from "./types";
