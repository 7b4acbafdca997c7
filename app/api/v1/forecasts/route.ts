import { z } from "zod";
import { enqueuedResponse, enqueueError, IDEMPOTENCY_HEADER, idempotencyKeyOf, idempotencyKeySchema } from "@/lib/api/enqueue-response";
import { ApiError, excerpt } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { catalog, organizationIdSchema, PRIORITY } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { listForecasts } from "@/lib/forecasts/forecast-queries";
import { ownScope } from "@/lib/organizations/scope";
import { findProduct } from "@/lib/products/product-queries";

export const dynamic = "force-dynamic";

const body = catalog.forecast.payload.extend({
  priority: z.number().int().min(PRIORITY.min).max(PRIORITY.max).optional(),
  /** Checked against the caller's organisation like any job data's. */
  organizationId: organizationIdSchema.optional(),
});

// POST /api/v1/forecasts — launch a demand forecast for a product (planners: of their organisation; an admin's run works for the product's); an Idempotency-Key header makes a repeat return the first job
export const POST = apiRoute({
  auth: "user",
  redis: true,
  body,
  doc: {
    summary: "Launch a demand forecast for a product",
    description: "The body is the forecast queue's job data plus `priority`. Planners: a product of their organisation; an admin's run works for the product's organisation.",
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKeySchema.optional().describe("A repeat with the same key returns the first job (200, `deduplicated: true`)") },
    responses: { 201: "Job added: `{ jobId, queue, state, productId, deduplicated: false }`", 200: "An existing job answers the launch (`deduplicated: true`)" },
    errors: { forbidden: "The caller may not launch forecasts or name this user or organisation.", "unprocessable-entity": "No such product, or the idempotency key was used for another request.", conflict: "The first request with this idempotency key is still being added." },
  },
}, async ({ request, body, principal }) => {
  const { priority, ...payload } = body;
  // Another organisation's product gets the same answer as one that does not exist.
  const product = await findProduct(payload.productId, { organizationId: ownScope(principal) });
  if (!product) {
    throw new ApiError("unprocessable-entity", `Invalid body — productId: no product with id "${excerpt(payload.productId)}"`, [
      { path: "body.productId", message: "no such product" },
    ]);
  }
  const idempotencyKey = idempotencyKeyOf(request);
  const result = await enqueueJob({ queue: "forecast", name: `forecast:${product.sku}`, data: payload, priority, idempotencyKey: idempotencyKey?.key, owner: principal });
  if (!result.ok) throw enqueueError(result, { root: "body", idempotencyKey });
  return enqueuedResponse(result, { jobId: result.jobId, queue: "forecast", state: result.state, productId: product.id });
});

const query = z.object({
  productId: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Admins: one organisation's forecasts (id or slug); planners always get their own. */
  organization: organizationParam.optional(),
});

// GET /api/v1/forecasts?productId=&organization= — recent forecasts, newest first (planners: their organisation's)
export const GET = apiRoute({ auth: "user", query, doc: { summary: "Recent forecasts, newest first (planners: their organisation's)" } }, async ({ query, principal }) => ({
  forecasts: await listForecasts({ productId: query.productId, limit: query.limit, organizationId: await readScope(principal, query.organization) }),
}));
