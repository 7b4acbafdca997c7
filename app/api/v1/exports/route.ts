import { z } from "zod";
import { enqueuedResponse, enqueueError, IDEMPOTENCY_HEADER, idempotencyKeyOf, idempotencyKeySchema } from "@/lib/api/enqueue-response";
import { apiRoute } from "@/lib/api/handler";
import { catalog, PRIORITY } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { listExportFiles } from "@/lib/exports/export-store";
import { exportScope } from "@/lib/exports/export-scope";
import { organizationParam, readScope } from "@/lib/api/organization-scope";

export const dynamic = "force-dynamic";

const body = catalog.export.payload.and(z.object({ priority: z.number().int().min(PRIORITY.min).max(PRIORITY.max).optional() }));

// POST /api/v1/exports — export an entity of the caller's organisation as CSV, JSON, JSON Lines, Excel or PDF
export const POST = apiRoute({
  auth: "user",
  redis: true,
  body,
  doc: {
    summary: "Export products, sales, forecasts, stock, the reorder list, an analytics report or your runs as a file",
    description: "The body is the export queue's job data plus `priority`. The file holds the caller's organisation's rows; when the job completes, its result's `downloadUrl` serves it to the caller.",
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKeySchema.optional().describe("A repeat with the same key returns the first job (200, `deduplicated: true`)") },
    responses: { 201: "Job added: `{ jobId, queue, state, deduplicated: false }`", 200: "An existing job answers the launch (`deduplicated: true`)" },
    errors: { forbidden: "The caller may not name this user.", "unprocessable-entity": "A filter the entity does not take, a reports export without reportId, a product, warehouse, forecast, optimisation result or report the organisation does not have, or the idempotency key was used for another request.", conflict: "The first request with this idempotency key is still being added." },
  },
}, async ({ request, body, principal }) => {
  const { priority, ...payload } = body;
  const idempotencyKey = idempotencyKeyOf(request);
  // The rows the filters name are checked at enqueue (the catalogue's references): an admin
  // exporting another organisation's product or report exports that organisation's rows.
  const result = await enqueueJob({ queue: "export", name: `export:${payload.entity}.${payload.format}`, data: payload, priority, idempotencyKey: idempotencyKey?.key, owner: principal });
  if (!result.ok) throw enqueueError(result, { root: "body", idempotencyKey });
  return enqueuedResponse(result, { jobId: result.jobId, queue: "export", state: result.state });
});

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
