import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { getReport } from "@/lib/analytics/report-store";
import { ownScope } from "@/lib/organizations/scope";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/:id — an analytics report with its body and definition (planners: their organisation's; another's is 404)
export const GET = apiRoute({
  auth: "user",
  params: idParams,
  doc: {
    summary: "An analytics report with its body and the definition of its figures",
    description: "The body is shaped per report type (see the analytics queue's job data). Planners read their organisation's; another organisation's report is 404.",
    errors: { "not-found": "No report with this id (for the caller)." },
  },
}, async ({ params, principal }) =>
  requireFound(await getReport(params.id, { organizationId: ownScope(principal) }), `No report ${params.id}`),
);
