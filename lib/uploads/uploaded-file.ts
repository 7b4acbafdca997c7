import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { env } from "../env";

export const UPLOAD_FIRST = "upload the file first (POST /api/v1/uploads) and pass its uploadId";

/** Where an organisation's uploads live: a folder of its own under the upload directory. */
export function organizationUploadDir(organizationId: string, { uploadDir = env().UPLOAD_DIR }: { uploadDir?: string } = {}): string {
  return path.resolve(uploadDir, encodeURIComponent(organizationId));
}

/**
 * The real path of an uploaded file, or null when `filePath` is not one: a job may read only what
 * the server itself stored under the organisation's upload directory, never a path a client made
 * up nor another organisation's file. Relative paths are read from that directory; symlinks are
 * followed before the check, so a link inside the directory cannot lead out of it.
 */
export async function resolveUploadedFile(
  filePath: string,
  { organizationId, uploadDir = env().UPLOAD_DIR }: { organizationId: string; uploadDir?: string },
): Promise<string | null> {
  const root = await realpath(organizationUploadDir(organizationId, { uploadDir })).catch(() => null);
  if (!root) return null;
  const candidate = await realpath(path.resolve(root, filePath)).catch(() => null);
  if (!candidate) return null;
  const relative = path.relative(root, candidate);
  const outside = relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (relative === "" || outside) return null;
  const stats = await stat(candidate).catch(() => null);
  return stats?.isFile() ? candidate : null;
}
