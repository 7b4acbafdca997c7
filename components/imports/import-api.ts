/**
 * The imports' HTTP contract as the page reads it (uploads, preview, entities, mapping, history,
 * report), and the calls that read and write it. Job data and results come from the catalogue.
 */
import type { ImportListItem } from "@/lib/imports/import-store";
import { getJson, postJson, uploadFile, type UploadProgress } from "../api/api-client";
import type { JobPayload, JobPayloadInput, JobResult, JobState, LaunchResponse } from "../api/types";

export type ImportEntityType = JobPayload<"import">["entityType"];
export type ImportMode = JobPayload<"import">["mode"];

export interface DetectedFile {
  format: "csv" | "tsv" | "xlsx";
  encoding: string | null;
  delimiter: string | null;
  sheets: string[];
  headers: string[];
}

/** POST /api/v1/uploads, GET /api/v1/uploads/:id */
export interface UploadView {
  uploadId: string;
  filePath: string;
  name: string;
  size: number;
  detected: DetectedFile;
  expiresAt: string;
}

/** GET /api/v1/uploads/:id/preview: rows numbered as the spreadsheet shows them (header = row 1). */
export interface UploadPreview {
  sheet: string | null;
  headers: string[];
  rows: { row: number; values: Record<string, string> }[];
}

export interface ImportField {
  field: string;
  label: string;
  required: boolean;
  description: string;
}

/** GET /api/v1/imports/entities */
export interface ImportEntity {
  entityType: ImportEntityType;
  label: string;
  naturalKey: string[];
  fields: ImportField[];
}

/** File column → field. */
export type ColumnMapping = Record<string, string>;

/** POST /api/v1/imports/mapping */
export interface SuggestedMapping {
  mapping: ColumnMapping;
  source: "saved" | "matched";
  unmatchedColumns: string[];
  missingRequired: string[];
}

/** One row of GET /api/v1/imports (the caller's organisation); `state` is the ledger's ("COMPLETED"). The server's row, its type and mode narrowed. */
export type ImportSummary = Omit<ImportListItem, "entityType" | "mode"> & { entityType: ImportEntityType; mode: ImportMode };

/** The documented import result with the detail the catalogue adds beside it (sheet and issues per error, counts, URLs). */
export type ImportResult = JobResult<"import">;
export type ImportReport = ImportResult["report"];
export type ImportErrorEntry = ImportReport["errors"][number];

/** GET /api/v1/imports/:jobId: the history row, its progress, and its saved report once it has one. */
export type ImportDetail = ImportSummary & {
  progress: number;
  progressText: string | null;
  failedReason: string | null;
  report: (ImportReport & { success: boolean; sheet: string | null; errorsUrl: string | null; reportedAt: string }) | null;
};

/** The ledger's state ("COMPLETED") as the job views name it ("completed"). */
export const runState = (state: string) => state.toLowerCase() as JobState;

export const importReportHref = (jobId: string) => `/imports/${encodeURIComponent(jobId)}`;

export const importApi = {
  upload: (file: File, options: { onProgress?(progress: UploadProgress): void; signal?: AbortSignal }) => uploadFile<UploadView>("/api/v1/uploads", file, options),
  preview: (uploadId: string, sheet: string | null, { signal }: { signal?: AbortSignal } = {}) => {
    const query = new URLSearchParams({ rows: "20" });
    if (sheet) query.set("sheet", sheet);
    return getJson<UploadPreview>(`/api/v1/uploads/${encodeURIComponent(uploadId)}/preview?${query}`, { signal });
  },
  entities: ({ signal }: { signal?: AbortSignal } = {}) => getJson<{ entities: ImportEntity[] }>("/api/v1/imports/entities", { signal }),
  suggestMapping: (body: { uploadId: string; entityType: ImportEntityType; sheet?: string }) => postJson<SuggestedMapping>("/api/v1/imports/mapping", body),
  history: ({ signal }: { signal?: AbortSignal } = {}) => getJson<{ imports: ImportSummary[] }>("/api/v1/imports", { signal }),
  detail: (jobId: string, { signal }: { signal?: AbortSignal } = {}) => getJson<ImportDetail>(`/api/v1/imports/${encodeURIComponent(jobId)}`, { signal }),
  /** Through the generic queue endpoint, validated against the catalogue's import payload. */
  launch: (name: string, data: JobPayloadInput<"import"> & { sheet?: string }) => postJson<LaunchResponse>("/api/v1/queues/import/jobs", { name, data }),
};
