import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { listBulkActions, startBulkAction } from "@/lib/bulk-actions/bulk-actions";
import { bulkRequestSchema, type BulkTarget } from "@/lib/bulk-actions/targets";

export const dynamic = "force-dynamic";

const query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  active: z.enum(["0", "1"], { error: () => "must be 0 or 1" }).optional(),
});

// GET /api/v1/bulk-actions?limit=&active=1 — recent bulk actions, newest first; active=1 only queued or running (admin)
export const GET = apiRoute({ auth: "admin", query, doc: { summary: "Recent bulk actions, newest first; `active=1` only queued or running ones" } }, async ({ query }) => {
  return { bulkActions: await listBulkActions({ limit: query.limit, active: query.active === "1" }) };
});

// POST /api/v1/bulk-actions { action, target } — start a retry or removal in the background → 202 { bulkAction } (admin)
export const POST = apiRoute({
  auth: "admin",
  redis: true,
  body: bulkRequestSchema,
  doc: {
    summary: "Start a bulk retry or removal in the background",
    responses: { 202: "Started: `{ bulkAction }`, with its URL in `Location`" },
    errors: { conflict: "No failed jobs match the target any more." },
  },
}, async ({ body, principal }) => {
  const result = await startBulkAction(body.action, body.target as BulkTarget, principal);
  if (!result.ok) throw new ApiError("conflict", "No failed jobs match this target any more; there is nothing to " + body.action);
  return Response.json({ bulkAction: result.bulkAction }, { status: 202, headers: { location: `/api/v1/bulk-actions/${result.bulkAction.id}` } });
});
