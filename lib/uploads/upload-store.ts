import { rm } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { env } from "../env";
import { detectFile, readRows, type DetectedFile } from "../imports/source";
import { queueSettings } from "../jobs/settings";
import type { Principal } from "../auth/principal";

/**
 * How long an upload is kept: as long as the import queue keeps a run that could still point at
 * it, the longer of its completed and failed retentions (30 days), so a failed import can be
 * re-run from the same upload for as long as its failure is on show.
 */
export function uploadExpiry(createdAt: Date): Date {
  const { keepCompletedMs, keepFailedMs } = queueSettings("import");
  return new Date(createdAt.getTime() + Math.max(keepCompletedMs, keepFailedMs));
}

/** A stored path (relative to the upload directory) made absolute; never outside the directory. */
export function uploadFilePath(storedPath: string, uploadDir = env().UPLOAD_DIR): string {
  const root = path.resolve(uploadDir);
  const full = path.resolve(root, storedPath);
  if (!full.startsWith(`${root}${path.sep}`)) throw new Error(`Upload path ${storedPath} is outside the upload directory`);
  return full;
}

/** What the API answers about an upload (POST /api/v1/uploads and GET /api/v1/uploads/:id). */
export interface UploadView {
  uploadId: string;
  /** The file's path relative to the organisation's upload folder: what an import's `filePath` may name. */
  filePath: string;
  /** The client's file name, for display. */
  name: string;
  size: number;
  detected: Pick<DetectedFile, "format" | "encoding" | "delimiter" | "sheets" | "headers">;
  expiresAt: string;
}

const select = {
  id: true,
  organizationId: true,
  name: true,
  size: true,
  path: true,
  format: true,
  encoding: true,
  delimiter: true,
  sheets: true,
  headers: true,
  expiresAt: true,
} as const;

type UploadRow = { id: string; name: string; size: bigint; path: string; format: string; encoding: string | null; delimiter: string | null; sheets: string[]; headers: string[]; expiresAt: Date };

export function toUploadView(row: UploadRow): UploadView {
  return {
    uploadId: row.id,
    filePath: path.posix.basename(row.path),
    name: row.name,
    size: Number(row.size),
    detected: { format: row.format as DetectedFile["format"], encoding: row.encoding, delimiter: row.delimiter, sheets: row.sheets, headers: row.headers },
    expiresAt: row.expiresAt.toISOString(),
  };
}

export interface NewUpload {
  organizationId: string;
  ownerId: string;
  name: string;
  size: number;
  path: string;
  detected: DetectedFile;
  createdAt: Date;
}

export async function saveUpload(upload: NewUpload, { db = defaultDb() }: { db?: Db } = {}) {
  const { detected } = upload;
  return db.upload.create({
    data: {
      organizationId: upload.organizationId,
      ownerId: upload.ownerId,
      name: upload.name,
      size: BigInt(upload.size),
      path: upload.path,
      format: detected.format,
      encoding: detected.encoding,
      delimiter: detected.delimiter,
      sheets: detected.sheets,
      headers: detected.headers,
      createdAt: upload.createdAt,
      expiresAt: uploadExpiry(upload.createdAt),
    },
    select,
  });
}

/**
 * An upload as the caller may see it: their own (in their organisation), or any for an admin;
 * null otherwise, so another's upload reads as one that does not exist. Expired ones are gone.
 */
export async function findUpload(id: string, principal: Pick<Principal, "id" | "role" | "organizationId">, { db = defaultDb(), now = new Date() }: { db?: Db; now?: Date } = {}) {
  const scope = principal.role === "ADMIN" ? {} : { ownerId: principal.id, organizationId: principal.organizationId };
  return db.upload.findFirst({ where: { id, ...scope, expiresAt: { gt: now } }, select });
}

/**
 * Deletes uploads past their expiry, file and row, in batches. The file goes first: a row left
 * behind by a crash is retried next time, whereas a file without a row would never be found.
 */
export async function deleteExpiredUploads(
  { db = defaultDb(), now = new Date(), uploadDir = env().UPLOAD_DIR, batch = 500 }: { db?: Db; now?: Date; uploadDir?: string; batch?: number } = {},
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const expired = await db.upload.findMany({ where: { expiresAt: { lte: now } }, select: { id: true, path: true }, take: batch });
    if (expired.length === 0) return deleted;
    for (const upload of expired) await rm(uploadFilePath(upload.path, uploadDir), { force: true });
    await db.upload.deleteMany({ where: { id: { in: expired.map((upload) => upload.id) } } });
    deleted += expired.length;
    if (expired.length < batch) return deleted;
  }
}

export interface UploadPreview {
  sheet: string | null;
  headers: string[];
  rows: { row: number; values: Record<string, string> }[];
}

/** The first rows of an upload as the import will read them (GET /api/v1/uploads/:id/preview). */
export async function previewUpload(
  upload: Pick<UploadRow, "path" | "format" | "encoding" | "delimiter" | "sheets" | "headers">,
  { sheet, rows: limit }: { sheet?: string; rows: number },
  { uploadDir = env().UPLOAD_DIR }: { uploadDir?: string } = {},
): Promise<UploadPreview> {
  const filePath = uploadFilePath(upload.path, uploadDir);
  const base: DetectedFile = { format: upload.format as DetectedFile["format"], encoding: upload.encoding, delimiter: upload.delimiter, sheets: upload.sheets, headers: upload.headers };
  const chosen = base.format === "xlsx" ? (sheet ?? base.sheets[0]) : null;
  // Another sheet than the first has headers of its own, read from the file.
  const detected = chosen && chosen !== base.sheets[0] ? await detectFile(filePath, { sheet: chosen }) : base;
  const rows: UploadPreview["rows"] = [];
  if (limit > 0) {
    for await (const { row, values } of readRows(filePath, detected, { sheet: chosen ?? undefined })) {
      rows.push({ row, values });
      if (rows.length >= limit) break;
    }
  }
  return { sheet: chosen, headers: detected.headers, rows };
}
