import { apiRoute } from "@/lib/api/handler";
import { INTEGRATION_NOT_FOUND, integrationError, requestOrigin } from "@/lib/api/integration-response";
import { idParams } from "@/lib/api/params";
import { deleteIntegration, getIntegration, updateIntegration, updateIntegrationSchema } from "@/lib/integrations/integrations";

export const dynamic = "force-dynamic";

// GET /api/v1/integrations/:id — one integration with its status, last and next sync (user; own organisation's)
export const GET = apiRoute({
  auth: "user",
  redis: true,
  params: idParams,
  doc: { summary: "One integration with its status, last and next sync", errors: { "not-found": INTEGRATION_NOT_FOUND } },
}, async ({ request, principal, params }) => {
  const result = await getIntegration(principal, params.id, requestOrigin(request));
  if (!result.ok) throw integrationError(result);
  return { integration: result.integration };
});

// PATCH /api/v1/integrations/:id { name?, baseUrl?, credentials?, settings?, status?, rotateWebhookSecret? } — edit, disable or enable (admin)
export const PATCH = apiRoute({
  auth: "admin",
  redis: true,
  params: idParams,
  body: updateIntegrationSchema,
  doc: {
    summary: "Edit an integration; `status: DISABLED` stops its syncs, new credentials clear NEEDS_ATTENTION",
    errors: { "not-found": INTEGRATION_NOT_FOUND, "unprocessable-entity": "A bad field, with its path." },
  },
}, async ({ request, principal, params, body }) => {
  const result = await updateIntegration(principal, params.id, body, requestOrigin(request));
  if (!result.ok) throw integrationError(result);
  return { integration: result.integration };
});

// DELETE /api/v1/integrations/:id — remove an integration and its schedule; the sales it brought in stay (admin)
export const DELETE = apiRoute({
  auth: "admin",
  redis: true,
  params: idParams,
  doc: { summary: "Remove an integration and its schedule; the sales and stock it brought in stay", errors: { "not-found": INTEGRATION_NOT_FOUND } },
}, async ({ principal, params }) => {
  const result = await deleteIntegration(principal, params.id);
  if (!result.ok) throw integrationError(result);
  return { deleted: true };
});
