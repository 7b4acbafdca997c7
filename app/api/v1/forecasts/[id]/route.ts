import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { getForecast } from "@/lib/forecasts/forecast-queries";

export const dynamic = "force-dynamic";

// GET /api/v1/forecasts/:id — a forecast with its points and per-model accuracy
export const GET = apiRoute({ auth: "user", params: idParams }, async ({ params }) =>
  requireFound(await getForecast(params.id), `No forecast ${params.id}`),
);
