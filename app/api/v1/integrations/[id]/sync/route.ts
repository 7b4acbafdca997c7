import { z } from "zod";
import { enqueuedResponse, enqueueError } from "@/lib/api/enqueue-response";
import { apiRoute } from "@/lib/api/handler";
import { INTEGRATION_NOT_FOUND, integrationError } from "@/lib/api/integration-response";
import { idParams } from "@/lib/api/params";
import { SYNC_DATA_TYPES } from "@/lib/jobs/catalog";
import { startSync } from "@/lib/integrations/integrations";

export const dynamic = "force-dynamic";

const body = z
  .object({
    dataTypes: z.array(z.enum(SYNC_DATA_TYPES, { error: `must be one of ${SYNC_DATA_TYPES.join(", ")}` })).min(1, "choose at least one data type").optional().describe("What to pull; both when left out"),
    force: z.boolean({ error: "must be true or false" }).optional().describe("Re-pull everything instead of resuming from the saved cursor"),
  })
  .strict();

// POST /api/v1/integrations/:id/sync { dataTypes?, force? } — "Sync now": a sync job of the integration → 201 { jobId, queue, name, state } (admin)
export const POST = apiRoute({
  auth: "admin",
  redis: true,
  params: idParams,
  body,
  doc: {
    summary: "Sync now: starts a sync job (the run panel shows its pages and records)",
    responses: { 201: "Job added: `{ jobId, queue, name, state, deduplicated: false }`", 200: "The same sync already waits or runs: that job, `deduplicated: true`" },
    errors: { "not-found": INTEGRATION_NOT_FOUND },
  },
}, async ({ principal, params, body }) => {
  const result = await startSync(principal, params.id, body);
  if (!result.ok) throw result.code === "not-found" || result.code === "invalid" ? integrationError(result) : enqueueError(result, { root: "body" });
  return enqueuedResponse(result, { jobId: result.jobId, queue: result.queue, name: result.name, state: result.state });
});
