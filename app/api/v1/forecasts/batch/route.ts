import { apiRoute } from "@/lib/api/handler";
import { batchCreated, batchError, batchOptionsSchema } from "@/lib/api/batch-response";
import { batchScopeSchema } from "@/lib/jobs/batch-contract";
import { enqueueBatch } from "@/lib/jobs/batches";
import { catalog } from "@/lib/jobs/catalog";

export const dynamic = "force-dynamic";

// The documented forecast payload with its product replaced by a scope, at the body's top level.
const scopes = batchScopeSchema.options;
const body = catalog.forecast.payload
  .omit({ productId: true, userId: true })
  .extend({
    productIds: scopes[0].shape.productIds.optional().describe("These products of the organisation"),
    category: scopes[1].shape.category.optional().describe("Every product of the organisation in this category"),
    all: scopes[2].shape.all.optional().describe("Every product of the organisation"),
    ...batchOptionsSchema.shape,
  })
  .strict()
  .refine((value) => [value.productIds, value.category, value.all].filter((given) => given !== undefined).length === 1, {
    message: "give one of productIds, category or all: true",
    path: ["productIds"],
  });

// POST /api/v1/forecasts/batch — forecast many products at once (a list, a category or every product of the organisation) as one batch
export const POST = apiRoute(
  {
    auth: "user",
    redis: true,
    body,
    doc: {
      summary: "Forecast many products at once, as one batch",
      tag: "batches",
      description:
        "The forecast payload's multi-product form: `productIds`, `category` or `all: true` in place of `productId`, with `horizon`, `models` and `priority` shared by every product. One child forecast per product of the caller's organisation; the parent rolls up counts, failures and the mean MAPE. Follow it at `GET /api/v1/batches/:id`.",
      responses: { 201: "Batch added: `{ batchId, queue, children, href }`" },
      errors: {
        forbidden: "The caller names another organisation.",
        "unprocessable-entity": "A named product is not the organisation's, the category holds no products, or the forecast fields are invalid.",
      },
    },
  },
  async ({ body, principal }) => {
    const { productIds, category, all, priority, organizationId, ...data } = body;
    const scope = productIds ? { productIds } : category !== undefined ? { category } : { all: true as const };
    const result = await enqueueBatch({ queue: "forecast", scope, data, priority, organizationId, owner: principal });
    if (!result.ok) throw batchError(result, { flat: true });
    return batchCreated(result);
  },
);
