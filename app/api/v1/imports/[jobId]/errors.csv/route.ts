import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { jobIdParams } from "@/lib/api/params";
import { findErrorFile } from "@/lib/imports/import-store";
import { ownScope } from "@/lib/organizations/scope";

export const dynamic = "force-dynamic";

// GET /api/v1/imports/:jobId/errors.csv — every error of an import as CSV (row, sheet, column, field, value, message)
export const GET = apiRoute({
  auth: "user",
  params: jobIdParams,
  doc: {
    summary: "Every error of an import, as CSV",
    description: "One line per bad cell: row (as the spreadsheet numbers it), sheet, column (the file's header), field, value (as written) and message. UTF-8 with a BOM.",
    responses: { 200: "text/csv" },
    errors: { "not-found": "No import with this job id (for the caller), or it had no errors." },
  },
}, async ({ params, principal }) => {
  const file = await findErrorFile(params.jobId, { organizationId: ownScope(principal) });
  const stats = file ? await stat(file).catch(() => null) : null;
  if (!file || !stats) throw new ApiError("not-found", `Import ${params.jobId} has no error file`);
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Length": String(stats.size),
      "Content-Disposition": `attachment; filename="import-${params.jobId.replace(/[^\w.-]/g, "_")}-errors.csv"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
