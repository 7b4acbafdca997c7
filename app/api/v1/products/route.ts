import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { searchProducts } from "@/lib/products/product-queries";

export const dynamic = "force-dynamic";

const query = z.object({
  search: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Admins: one organisation's products (id or slug); planners always get their own. */
  organization: organizationParam.optional(),
});

// GET /api/v1/products?search=&limit=&organization= — products for pickers (planners: their organisation's)
export const GET = apiRoute({ auth: "user", query, doc: { summary: "Products for pickers, by search (planners: their organisation's)" } }, async ({ query, principal }) => ({
  products: await searchProducts({ search: query.search, limit: query.limit, organizationId: await readScope(principal, query.organization) }),
}));
