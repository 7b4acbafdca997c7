import { rm } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { env } from "../env";
import type { Prisma } from "../generated/prisma/client";

/** Where an organisation's export files live, under the export directory. */
export function organizationExportDir(organizationId: string, exportDir = env().EXPORT_DIR): string {
  return path.resolve(exportDir, encodeURIComponent(organizationId));
}

/** A stored path (relative to the export directory) made absolute; never outside the directory. */
export function exportFilePath(storedPath: string, exportDir = env().EXPORT_DIR): string {
  const root = path.resolve(exportDir);
  const full = path.resolve(root, storedPath);
  if (!full.startsWith(`${root}${path.sep}`)) throw new Error(`Export path ${storedPath} is outside the export directory`);
  return full;
}

export interface NewExportFile {
  jobId: string;
  organizationId: string;
  ownerId: string | null;
  entity: string;
  format: string;
  filters: Record<string, unknown>;
  fileName: string;
  storedPath: string;
  contentType: string;
  rows: number;
  bytes: number;
  expiresAt: Date;
}

/** Saves the export keyed by its job: a re-run replaces the row (and has overwritten the file). */
export async function saveExportFile(file: NewExportFile, { db = defaultDb() }: { db?: Db } = {}) {
  const data = { ...file, bytes: BigInt(file.bytes), filters: file.filters as object, deletedAt: null, createdAt: new Date() };
  return db.exportFile.upsert({ where: { jobId: file.jobId }, create: data, update: data, select: { id: true } });
}

export interface ExportFileView {
  id: string;
  jobId: string;
  entity: string;
  format: string;
  filters: unknown;
  fileName: string;
  contentType: string;
  rows: number;
  bytes: number;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  downloadUrl: string;
  owner: { id: string; name: string } | null;
}

const viewSelect = {
  id: true,
  jobId: true,
  entity: true,
  format: true,
  filters: true,
  fileName: true,
  contentType: true,
  rows: true,
  bytes: true,
  createdAt: true,
  expiresAt: true,
  deletedAt: true,
  owner: { select: { id: true, name: true } },
} as const satisfies Prisma.ExportFileSelect;

type ViewRow = Prisma.ExportFileGetPayload<{ select: typeof viewSelect }>;

function toView(row: ViewRow, now: Date): ExportFileView {
  return {
    id: row.id,
    jobId: row.jobId,
    entity: row.entity,
    format: row.format,
    filters: row.filters,
    fileName: row.fileName,
    contentType: row.contentType,
    rows: row.rows,
    bytes: Number(row.bytes),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    expired: row.deletedAt !== null || row.expiresAt <= now,
    downloadUrl: `/api/v1/exports/${row.id}/download`,
    owner: row.owner,
  };
}

/** Who may see an export: its owner, or an admin (ownerId undefined: any). */
export interface ExportScope {
  ownerId?: string;
}

export async function listExportFiles(
  scope: ExportScope & { limit: number; organizationId?: string },
  { db = defaultDb(), now = new Date() }: { db?: Db; now?: Date } = {},
): Promise<ExportFileView[]> {
  const rows = await db.exportFile.findMany({
    where: { ownerId: scope.ownerId, organizationId: scope.organizationId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: scope.limit,
    select: viewSelect,
  });
  return rows.map((row) => toView(row, now));
}

/** One export for the caller, with where its file is; null when there is none (or it is someone else's). */
export async function findExportFile(id: string, scope: ExportScope, { db = defaultDb(), now = new Date() }: { db?: Db; now?: Date } = {}) {
  const row = await db.exportFile.findFirst({ where: { id, ownerId: scope.ownerId }, select: { ...viewSelect, storedPath: true } });
  if (!row) return null;
  return { ...toView(row, now), storedPath: row.storedPath };
}

/**
 * Deletes the files of exports past their expiry (the export queue's retention), in batches; the
 * rows stay, marked deleted, so the list and the download can say the file expired.
 */
export async function deleteExpiredExports(
  { db = defaultDb(), now = new Date(), exportDir = env().EXPORT_DIR, batch = 500 }: { db?: Db; now?: Date; exportDir?: string; batch?: number } = {},
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const expired = await db.exportFile.findMany({ where: { expiresAt: { lte: now }, deletedAt: null }, select: { id: true, storedPath: true }, take: batch });
    if (expired.length === 0) return deleted;
    for (const file of expired) await rm(exportFilePath(file.storedPath, exportDir), { force: true });
    await db.exportFile.updateMany({ where: { id: { in: expired.map((file) => file.id) } }, data: { deletedAt: now } });
    deleted += expired.length;
    if (expired.length < batch) return deleted;
  }
}
