import { z } from "zod";
import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { ownScope } from "@/lib/organizations/scope";
import { getProductOverview } from "@/lib/products/product-overview";

export const dynamic = "force-dynamic";

const query = z.object({ days: z.coerce.number().int().min(1).max(1000).default(180) });

// GET /api/v1/products/:id/overview?days=180 — the product page: recent sales, latest forecast, stock per warehouse, open orders, latest policy (planners: their organisation's; another's is 404)
export const GET = apiRoute({
  auth: "user",
  params: idParams,
  query,
  doc: {
    summary: "A product's page: recent sales, latest forecast, stock per warehouse, open orders and latest policy",
    description:
      "`sales` are the last `days` days; `latestForecast` has its points and per-model results (null before the first forecast); `stock` lists every warehouse of the product's organisation with its latest snapshot; " +
      "`openOrders` are purchase orders and transfers not yet received; `latestPolicy` is the newest saved optimisation result (null before the first). Planners read their organisation's; another organisation's product is 404.",
    errors: { "not-found": "No product with this id (for the caller)." },
  },
}, async ({ params, query, principal }) =>
  requireFound(await getProductOverview(params.id, { days: query.days, organizationId: ownScope(principal) }), `No product ${params.id}`),
);
