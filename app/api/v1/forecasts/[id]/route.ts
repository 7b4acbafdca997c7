import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { getForecast } from "@/lib/forecasts/forecast-queries";
import { ownScope } from "@/lib/organizations/scope";

export const dynamic = "force-dynamic";

// GET /api/v1/forecasts/:id — a forecast with its points and per-model accuracy (planners: their organisation's; another's is 404)
export const GET = apiRoute({
  auth: "user",
  params: idParams,
  doc: {
    summary: "A forecast with its points and per-model accuracy",
    description: "Planners read their organisation's; another organisation's forecast is 404.",
    errors: { "not-found": "No forecast with this id (for the caller)." },
  },
}, async ({ params, principal }) =>
  requireFound(await getForecast(params.id, { organizationId: ownScope(principal) }), `No forecast ${params.id}`),
);
