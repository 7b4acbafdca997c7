import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { findUpload, toUploadView } from "@/lib/uploads/upload-store";

export const dynamic = "force-dynamic";

// GET /api/v1/uploads/:id — one upload and what was detected in it (its owner's or an admin's)
export const GET = apiRoute({
  auth: "user",
  params: idParams,
  doc: { summary: "One upload", description: "Only its owner (or an admin) sees it; anyone else, and anyone after it expired, gets 404.", errors: { "not-found": "No upload with this id (for the caller)." } },
}, async ({ params, principal }) => toUploadView(requireFound(await findUpload(params.id, principal), `No upload ${params.id}`)));
