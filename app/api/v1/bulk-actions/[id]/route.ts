import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { getBulkAction } from "@/lib/bulk-actions/bulk-actions";

export const dynamic = "force-dynamic";

// GET /api/v1/bulk-actions/:id — a bulk action's progress: total, done, skipped, failed, status, who, when (admin)
export const GET = apiRoute({
  auth: "admin",
  params: idParams,
  doc: {
    summary: "A bulk action's progress: total, done, skipped, failed, status, who and when",
    errors: { "not-found": "No bulk action with this id." },
  },
}, async ({ params }) => {
  return { bulkAction: requireFound(await getBulkAction(params.id), `No bulk action ${params.id}`) };
});
