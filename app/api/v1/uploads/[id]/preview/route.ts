import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { findUpload, previewUpload } from "@/lib/uploads/upload-store";

export const dynamic = "force-dynamic";

const query = z.object({
  sheet: z.string().min(1).max(255).optional(),
  rows: z.coerce.number().int().min(0).max(100).default(20),
});

// GET /api/v1/uploads/:id/preview — the first rows of an upload as the import reads them (its owner's or an admin's)
export const GET = apiRoute({
  auth: "user",
  params: idParams,
  query,
  doc: {
    summary: "Preview an upload's first rows",
    description: "{ sheet, headers, rows: [{ row, values }] } with `row` numbered as the spreadsheet shows it (header = row 1) and values as the user wrote them. `sheet` picks a workbook's sheet (the first by default).",
    errors: { "not-found": "No upload with this id (for the caller).", "unprocessable-entity": "The workbook has no such sheet, or the upload is CSV/TSV and a sheet was named." },
  },
}, async ({ params, query, principal }) => {
  const upload = requireFound(await findUpload(params.id, principal), `No upload ${params.id}`);
  if (query.sheet !== undefined && !upload.sheets.includes(query.sheet)) {
    const message = upload.sheets.length ? `no sheet "${query.sheet}" (the workbook has ${upload.sheets.map((s) => `"${s}"`).join(", ")})` : "a CSV or TSV upload has no sheets";
    throw new ApiError("unprocessable-entity", `Invalid query — query.sheet: ${message}`, [{ path: "query.sheet", message }]);
  }
  return previewUpload(upload, { sheet: query.sheet, rows: query.rows });
});
