import path from "node:path";
import type { Db } from "../db";
import { sqlPool } from "../db";
import { env } from "../env";
import { resolveUploadedFile } from "../uploads/uploaded-file";

export interface ImportSourceFile {
  /** The real path on disk, inside the organisation's upload directory. */
  path: string;
  /** The name the client gave the upload (display only), or the stored file's name. */
  name: string;
  /** The organisation whose upload it is. */
  organizationId: string;
}

/**
 * The organisation a server path under UPLOAD_DIR belongs to (its first folder), for an admin
 * naming any organisation's upload by the path the upload endpoint returned.
 */
function organizationOfPath(filePath: string): string | null {
  if (!path.isAbsolute(filePath)) return null;
  const [first] = path.relative(path.resolve(env().UPLOAD_DIR), filePath).split(path.sep);
  return first && first !== ".." ? decodeURIComponent(first) : null;
}

/**
 * The file an import (or a mapping suggestion) reads: an upload by id, or a path the upload
 * endpoint returned, within `scope` (one organisation; undefined: any, for an admin, whose
 * relative paths are read from `home`, their own organisation). Null when it is neither —
 * another organisation's upload is answered like one that does not exist. The Upload row (owned
 * by lib/uploads) is read with SQL by the columns of the shared contract: `path` is relative to UPLOAD_DIR.
 */
export async function importSourceFile(
  source: { uploadId?: string; filePath?: string },
  { scope, home, db }: { scope: string | undefined; home: string; db: Db },
): Promise<ImportSourceFile | null> {
  if (source.uploadId) {
    const { rows } = await sqlPool(db).query<{ path: string; name: string; organizationId: string }>(
      `SELECT "path", "name", "organizationId" FROM "Upload" WHERE "id" = $1 AND ($2::text IS NULL OR "organizationId" = $2)`,
      [source.uploadId, scope ?? null],
    );
    const upload = rows[0];
    if (!upload) return null;
    const file = await resolveUploadedFile(path.resolve(env().UPLOAD_DIR, upload.path), { organizationId: upload.organizationId });
    return file ? { path: file, name: upload.name, organizationId: upload.organizationId } : null;
  }
  if (!source.filePath) return null;
  const organizationId = scope ?? organizationOfPath(source.filePath) ?? home;
  const file = await resolveUploadedFile(source.filePath, { organizationId });
  return file ? { path: file, name: path.basename(file), organizationId } : null;
}
