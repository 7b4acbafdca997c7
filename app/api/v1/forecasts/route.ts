import { z } from "zod";
import { enqueuedResponse, enqueueError, idempotencyKeyOf } from "@/lib/api/enqueue-response";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { db } from "@/lib/db";
import { catalog, organizationIdSchema, PRIORITY } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { listForecasts } from "@/lib/forecasts/forecast-queries";

export const dynamic = "force-dynamic";

const body = catalog.forecast.payload.extend({
  priority: z.number().int().min(PRIORITY.min).max(PRIORITY.max).optional(),
  /** Checked against the caller's organisation like any job data's. */
  organizationId: organizationIdSchema.optional(),
});

// POST /api/v1/forecasts — launch a demand forecast for a product (an Idempotency-Key header makes a repeat return the first job)
export const POST = apiRoute({ auth: "user", redis: true, body }, async ({ request, body, principal }) => {
  const { priority, ...payload } = body;
  const product = await db().product.findUnique({ where: { id: payload.productId }, select: { id: true, sku: true } });
  if (!product) {
    throw new ApiError("unprocessable-entity", `Invalid body — productId: no product with id "${payload.productId}"`, [
      { path: "body.productId", message: "no such product" },
    ]);
  }
  const idempotencyKey = idempotencyKeyOf(request);
  const result = await enqueueJob({ queue: "forecast", name: `forecast:${product.sku}`, data: payload, priority, idempotencyKey: idempotencyKey?.key, owner: principal });
  if (!result.ok) throw enqueueError(result, { root: "body", idempotencyKey });
  return enqueuedResponse(result, { jobId: result.jobId, queue: "forecast", state: result.state, productId: product.id });
});

const query = z.object({
  productId: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

// GET /api/v1/forecasts?productId= — recent forecasts, newest first
export const GET = apiRoute({ auth: "user", query }, async ({ query }) => ({ forecasts: await listForecasts(query) }));
