import path from "node:path";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { exportFilePath, organizationExportDir } from "../exports/export-store";
import type { Prisma } from "../generated/prisma/client";
import type { ImportEntityType } from "./entities";
import type { ColumnMapping } from "./mapping";
import type { ImportMode, ImportOutcome } from "./run-import";

/** Where an import's full error list is written: beside the organisation's exports, named by the job (a re-run overwrites it). */
export function importErrorsPath(organizationId: string, jobId: string): string {
  return path.join(organizationExportDir(organizationId), "import-errors", `${encodeURIComponent(jobId)}.csv`);
}

export const importUrls = (jobId: string) => ({
  reportUrl: `/api/v1/imports/${encodeURIComponent(jobId)}`,
  errorsUrl: `/api/v1/imports/${encodeURIComponent(jobId)}/errors.csv`,
});

export async function loadSavedMapping(organizationId: string, entityType: ImportEntityType, { db = defaultDb() }: { db?: Db } = {}): Promise<ColumnMapping | null> {
  const saved = await db.importMapping.findUnique({ where: { organizationId_entityType: { organizationId, entityType } }, select: { mapping: true } });
  return (saved?.mapping as ColumnMapping | undefined) ?? null;
}

/** Keeps the mapping a user chose, for their organisation's next file of this entity type. */
export async function saveMapping(organizationId: string, entityType: ImportEntityType, mapping: ColumnMapping, { db = defaultDb() }: { db?: Db } = {}) {
  await db.importMapping.upsert({
    where: { organizationId_entityType: { organizationId, entityType } },
    create: { organizationId, entityType, mapping },
    update: { mapping },
  });
}

export interface NewImportReport {
  jobId: string;
  organizationId: string;
  ownerId: string | null;
  entityType: ImportEntityType;
  uploadId: string | null;
  fileName: string | null;
  sheet: string | null;
  mode: ImportMode;
  dryRun: boolean;
  mapping: ColumnMapping;
  outcome: ImportOutcome;
  errorCount: number;
  /** Relative to EXPORT_DIR; null without errors. */
  errorsPath: string | null;
}

/** Saves the report keyed by its job: a retried or stalled run replaces its own report. */
export async function saveImportReport(report: NewImportReport, { db = defaultDb() }: { db?: Db } = {}) {
  const { outcome, ...rest } = report;
  const data = {
    ...rest,
    success: outcome.invalid === 0,
    total: outcome.total,
    valid: outcome.valid,
    invalid: outcome.invalid,
    imported: outcome.imported,
    created: outcome.created,
    updated: outcome.updated,
    unchanged: outcome.unchanged,
    errors: outcome.errors as unknown as Prisma.InputJsonValue,
    createdAt: new Date(),
  };
  await db.importReport.upsert({ where: { jobId: report.jobId }, create: data, update: data });
}

/** Whose imports a caller sees: an organisation's (a planner's own), or every one (an admin's). */
export interface ImportScope {
  organizationId?: string;
}

/** One import in the organisation's history: the ledger's run with its report once it has one. */
export interface ImportListItem {
  jobId: string;
  entityType: string;
  uploadId: string | null;
  fileName: string | null;
  mode: string;
  dryRun: boolean;
  state: string;
  total: number | null;
  valid: number | null;
  invalid: number | null;
  imported: number | null;
  createdAt: string;
  finishedAt: string | null;
}

const runSelect = { id: true, data: true, state: true, createdAt: true, finishedAt: true, failedReason: true, progress: true, progressText: true, ownerId: true, organizationId: true } as const;

type RunRow = Prisma.JobRunGetPayload<{ select: typeof runSelect }>;
type ReportRow = Prisma.ImportReportGetPayload<object>;

function listItem(run: RunRow, report: ReportRow | undefined): ImportListItem {
  const data = (run.data ?? {}) as { entityType?: string; uploadId?: string; filePath?: string; mode?: string; dryRun?: boolean };
  return {
    jobId: run.id,
    entityType: report?.entityType ?? data.entityType ?? "",
    uploadId: report?.uploadId ?? data.uploadId ?? null,
    fileName: report?.fileName ?? (data.filePath ? path.basename(data.filePath) : null),
    mode: report?.mode ?? data.mode ?? "all-or-nothing",
    dryRun: report?.dryRun ?? data.dryRun ?? false,
    state: run.state,
    total: report?.total ?? null,
    valid: report?.valid ?? null,
    invalid: report?.invalid ?? null,
    imported: report?.imported ?? null,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** The scope's imports, newest first: every run of the import queue, with the figures of those that have a report. */
export async function listImports(scope: ImportScope & { limit: number }, { db = defaultDb() }: { db?: Db } = {}): Promise<ImportListItem[]> {
  const runs = await db.jobRun.findMany({
    where: { queue: "import", removedAt: null, ...(scope.organizationId ? { organizationId: scope.organizationId } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: scope.limit,
    select: runSelect,
  });
  const reports = await db.importReport.findMany({ where: { jobId: { in: runs.map((run) => run.id) } } });
  const byJob = new Map(reports.map((report) => [report.jobId, report]));
  return runs.map((run) => listItem(run, byJob.get(run.id)));
}

/**
 * One import: its history row, plus its report when it has one (the figures, the first 1,000
 * invalid rows, where to download all errors), plus why it failed when it did. Null when the
 * scope does not see it: another organisation's import is answered like one that does not exist.
 */
export async function findImport(jobId: string, scope: ImportScope, { db = defaultDb() }: { db?: Db } = {}) {
  const run = await db.jobRun.findFirst({ where: { id: jobId, queue: "import", ...(scope.organizationId ? { organizationId: scope.organizationId } : {}) }, select: runSelect });
  if (!run) return null;
  const report = (await db.importReport.findUnique({ where: { jobId } })) ?? undefined;
  const urls = importUrls(jobId);
  return {
    ...listItem(run, report),
    progress: run.progress,
    progressText: run.progressText,
    failedReason: run.failedReason,
    report: report
      ? {
          success: report.success,
          sheet: report.sheet,
          mapping: report.mapping as ColumnMapping,
          total: report.total,
          valid: report.valid,
          invalid: report.invalid,
          imported: report.imported,
          created: report.created,
          updated: report.updated,
          unchanged: report.unchanged,
          errorCount: report.errorCount,
          errors: report.errors as unknown[],
          errorsUrl: report.errorsPath ? urls.errorsUrl : null,
          reportedAt: report.createdAt.toISOString(),
        }
      : null,
  };
}

/** The stored error file of an import the scope sees; null when it has none or the scope does not see it. */
export async function findErrorFile(jobId: string, scope: ImportScope, { db = defaultDb() }: { db?: Db } = {}): Promise<string | null> {
  const report = await db.importReport.findFirst({ where: { jobId, ...(scope.organizationId ? { organizationId: scope.organizationId } : {}) }, select: { errorsPath: true } });
  return report?.errorsPath ? exportFilePath(report.errorsPath) : null;
}
