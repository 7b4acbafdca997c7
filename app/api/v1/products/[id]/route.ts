import { z } from "zod";
import { apiRoute, requireFound } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { getProductWithHistory } from "@/lib/products/product-queries";

export const dynamic = "force-dynamic";

const query = z.object({ days: z.coerce.number().int().min(1).max(1000).default(180) });

// GET /api/v1/products/:id?days=180 — a product with its recent daily sales
export const GET = apiRoute({ auth: "user", params: idParams, query }, async ({ params, query }) =>
  requireFound(await getProductWithHistory(params.id, query.days), `No product ${params.id}`),
);
