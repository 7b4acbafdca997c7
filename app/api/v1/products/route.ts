import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { searchProducts } from "@/lib/products/product-queries";

export const dynamic = "force-dynamic";

const query = z.object({
  search: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

// GET /api/v1/products?search=&limit= — products for pickers
export const GET = apiRoute({ auth: "user", query }, async ({ query }) => ({ products: await searchProducts(query) }));
