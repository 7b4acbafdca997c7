import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { listOptimizations } from "@/lib/optimization/optimization-queries";

export const dynamic = "force-dynamic";

const query = z.object({
  productId: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Admins: one organisation's results (id or slug); planners always get their own. */
  organization: organizationParam.optional(),
});

// GET /api/v1/optimizations?productId=&limit=&organization= — saved optimisation results, newest first: the latest per product, or one product's runs (planners: their organisation's)
export const GET = apiRoute({
  auth: "user",
  query,
  doc: {
    summary: "Saved optimisation results: the latest per product, or one product's runs",
    description: "Without `productId`, each product's newest result; with it, that product's results. Newest first. Planners read their organisation's.",
  },
}, async ({ query, principal }) => ({
  optimizations: await listOptimizations({ productId: query.productId, limit: query.limit, organizationId: await readScope(principal, query.organization) }),
}));
