import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { exportScope } from "@/lib/exports/export-scope";
import { findExportFile } from "@/lib/exports/export-store";

export const dynamic = "force-dynamic";

// GET /api/v1/exports/:id — one export: its file's name, size, rows, expiry and download URL (its owner's or an admin's)
export const GET = apiRoute({
  auth: "user",
  params: idParams,
  doc: { summary: "One export and its file", description: "Only its owner (or an admin) sees it; anyone else gets 404.", errors: { "not-found": "No export with this id (for the caller)." } },
}, async ({ params, principal }) => {
  const { storedPath: _storedPath, ...view } = requireFound(await findExportFile(params.id, exportScope(principal)), `No export ${params.id}`);
  return view;
});
