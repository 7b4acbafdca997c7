import { z } from "zod";
import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { ownScope } from "@/lib/organizations/scope";
import { getProductWithHistory } from "@/lib/products/product-queries";

export const dynamic = "force-dynamic";

const query = z.object({ days: z.coerce.number().int().min(1).max(1000).default(180) });

// GET /api/v1/products/:id?days=180 — a product with its recent daily sales (planners: their organisation's; another's is 404)
export const GET = apiRoute({
  auth: "user",
  params: idParams,
  query,
  doc: {
    summary: "A product with its recent daily sales",
    description: "Planners read their organisation's; another organisation's product is 404.",
    errors: { "not-found": "No product with this id (for the caller)." },
  },
}, async ({ params, query, principal }) =>
  requireFound(await getProductWithHistory(params.id, { days: query.days, organizationId: ownScope(principal) }), `No product ${params.id}`),
);
