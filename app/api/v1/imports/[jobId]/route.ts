import { apiRoute, requireFound } from "@/lib/api/handler";
import { jobIdParams } from "@/lib/api/params";
import { findImport } from "@/lib/imports/import-store";
import { ownScope } from "@/lib/organizations/scope";

export const dynamic = "force-dynamic";

// GET /api/v1/imports/:jobId — one import and its report (planners: their organisation's; another's is 404)
export const GET = apiRoute({
  auth: "user",
  params: jobIdParams,
  doc: {
    summary: "One import and its report",
    description: "The history row's fields, `progress`, `progressText`, `failedReason`, and `report` once it has one: counts (created, updated, unchanged too), the mapping used, the first 1,000 invalid rows and `errorsUrl`.",
    errors: { "not-found": "No import with this job id (for the caller)." },
  },
}, async ({ params, principal }) => requireFound(await findImport(params.jobId, { organizationId: ownScope(principal) }), `No import ${params.jobId}`));
