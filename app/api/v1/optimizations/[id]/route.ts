import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { getOptimization } from "@/lib/optimization/optimization-queries";
import { ownScope } from "@/lib/organizations/scope";

export const dynamic = "force-dynamic";

// GET /api/v1/optimizations/:id — a saved optimisation result with the inputs it was computed from (planners: their organisation's; another's is 404)
export const GET = apiRoute({
  auth: "user",
  params: idParams,
  doc: {
    summary: "A saved optimisation result with its inputs, per-warehouse policies and allocation",
    description: "The `id` is the run result's `resultId`. Planners read their organisation's; another organisation's result is 404.",
    errors: { "not-found": "No optimisation result with this id (for the caller)." },
  },
}, async ({ params, principal }) =>
  requireFound(await getOptimization(params.id, { organizationId: ownScope(principal) }), `No optimisation result ${params.id}`),
);
