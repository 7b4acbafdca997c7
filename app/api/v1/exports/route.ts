import { z } from "zod";
import { enqueuedResponse, enqueueError, IDEMPOTENCY_HEADER, idempotencyKeyOf, idempotencyKeySchema } from "@/lib/api/enqueue-response";
import { apiRoute } from "@/lib/api/handler";
import { catalog, PRIORITY, type JobPayload } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { listExportFiles } from "@/lib/exports/export-store";
import { exportScope } from "@/lib/exports/export-scope";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { ApiError, excerpt } from "@/lib/api/errors";
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db";
import { ownScope } from "@/lib/organizations/scope";
import { findProduct } from "@/lib/products/product-queries";

export const dynamic = "force-dynamic";

const body = catalog.export.payload.and(z.object({ priority: z.number().int().min(PRIORITY.min).max(PRIORITY.max).optional() }));

// POST /api/v1/exports — export an entity of the caller's organisation as CSV, JSON, JSON Lines, Excel or PDF
export const POST = apiRoute({
  auth: "user",
  redis: true,
  body,
  doc: {
    summary: "Export products, sales, forecasts or stock as a file",
    description: "The body is the export queue's job data plus `priority`. The file holds the caller's organisation's rows; when the job completes, its result's `downloadUrl` serves it to the caller.",
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKeySchema.optional().describe("A repeat with the same key returns the first job (200, `deduplicated: true`)") },
    responses: { 201: "Job added: `{ jobId, queue, state, deduplicated: false }`", 200: "An existing job answers the launch (`deduplicated: true`)" },
    errors: { forbidden: "The caller may not name this user.", "unprocessable-entity": "A filter the entity does not take, a product or warehouse the organisation does not have, or the idempotency key was used for another request.", conflict: "The first request with this idempotency key is still being added." },
  },
}, async ({ request, body, principal }) => {
  const { priority, ...payload } = body;
  const organizationId = await referencedOrganization(payload.filters, principal);
  const idempotencyKey = idempotencyKeyOf(request);
  // An admin exporting another organisation's product or warehouse: the export works for (and reads) that organisation.
  const data = organizationId === principal.organizationId ? payload : { ...payload, organizationId };
  const result = await enqueueJob({ queue: "export", name: `export:${payload.entity}.${payload.format}`, data, priority, idempotencyKey: idempotencyKey?.key, owner: principal });
  if (!result.ok) throw enqueueError(result, { root: "body", idempotencyKey });
  return enqueuedResponse(result, { jobId: result.jobId, queue: "export", state: result.state });
});

/**
 * The organisation whose data the export reads. A filter naming a product, warehouse or forecast the
 * caller's organisation does not have would give an empty file that looks like an answer: it is
 * refused, another organisation's getting the same answer as one that does not exist. An admin
 * may name any organisation's, and then exports that organisation's rows (both must agree).
 */
async function referencedOrganization(filters: JobPayload<"export">["filters"], principal: Principal): Promise<string> {
  const scope = ownScope(principal);
  const issues: { path: string; message: string }[] = [];
  const organizations = new Set<string>();
  if (filters.productId) {
    const product = await findProduct(filters.productId, { organizationId: scope });
    if (product) organizations.add(product.organizationId);
    else issues.push({ path: "body.filters.productId", message: `no product with id "${excerpt(filters.productId)}"` });
  }
  if (filters.warehouseId) {
    const warehouse = await db().warehouse.findFirst({ where: { id: filters.warehouseId, organizationId: scope }, select: { organizationId: true } });
    if (warehouse) organizations.add(warehouse.organizationId);
    else issues.push({ path: "body.filters.warehouseId", message: `no warehouse with id "${excerpt(filters.warehouseId)}"` });
  }
  if (filters.forecastId) {
    const forecast = await db().forecast.findFirst({ where: { id: filters.forecastId, organizationId: scope }, select: { organizationId: true } });
    if (forecast) organizations.add(forecast.organizationId);
    else issues.push({ path: "body.filters.forecastId", message: `no forecast with id "${excerpt(filters.forecastId)}"` });
  }
  if (issues.length === 0 && organizations.size > 1) issues.push({ path: "body.filters", message: "the filters name rows of different organisations" });
  if (issues.length > 0) throw new ApiError("unprocessable-entity", `Invalid body — ${issues.map((issue) => `${issue.path.slice(5)}: ${issue.message}`).join("; ")}`, issues);
  return [...organizations][0] ?? principal.organizationId;
}

const query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Admins: one organisation's exports (id or slug). */
  organization: organizationParam.optional(),
});

// GET /api/v1/exports?limit=&organization= — the caller's exports, newest first (admins: everyone's)
export const GET = apiRoute({
  auth: "user",
  query,
  doc: { summary: "The caller's exports, newest first (admins: everyone's, or one organisation's)", description: "Each with its file's name, size, rows, expiry and download URL; an expired one says so." },
}, async ({ query, principal }) => ({
  exports: await listExportFiles({ ...exportScope(principal), organizationId: await readScope(principal, query.organization), limit: query.limit }),
}));
