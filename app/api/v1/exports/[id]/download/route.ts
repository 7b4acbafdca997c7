import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { ApiError } from "@/lib/api/errors";
import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { exportScope } from "@/lib/exports/export-scope";
import { exportFilePath, findExportFile } from "@/lib/exports/export-store";

export const dynamic = "force-dynamic";

/** RFC 6266: an ASCII fallback name plus the exact one, percent-encoded. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

// GET /api/v1/exports/:id/download — the export's file, streamed to its owner (or an admin); 404 to anyone else, 410 once it expired
export const GET = apiRoute({
  auth: "user",
  params: idParams,
  doc: {
    summary: "Download an export's file",
    description: "Streams the file with its content type and name. Only its owner (or an admin) may; anyone else gets 404. After the export queue's retention the file is deleted and this answers 410.",
    responses: { 200: "The file (text/csv, application/json, application/x-ndjson, xlsx or application/pdf)" },
    errors: { "not-found": "No export with this id (for the caller).", gone: "The file expired and was deleted; export again." },
  },
}, async ({ params, principal }) => {
  const file = requireFound(await findExportFile(params.id, exportScope(principal)), `No export ${params.id}`);
  const path = exportFilePath(file.storedPath);
  const stats = file.expired ? null : await stat(path).catch(() => null);
  if (!stats) {
    const why = file.expired ? `expired on ${file.expiresAt.slice(0, 10)} and its file was deleted` : "has lost its file on the server";
    throw new ApiError("gone", `Export ${params.id} ${why}; export again`);
  }
  return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(stats.size),
      "Content-Disposition": contentDisposition(file.fileName),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
