import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { integrationError, requestOrigin } from "@/lib/api/integration-response";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { createIntegration, createIntegrationSchema, listIntegrations } from "@/lib/integrations/integrations";

export const dynamic = "force-dynamic";

const query = z.object({ organization: organizationParam.optional() });

// GET /api/v1/integrations?organization= — connected systems with their sync status; a planner's organisation's, all for an admin (user)
export const GET = apiRoute({
  auth: "user",
  redis: true,
  query,
  doc: {
    summary: "Connected systems (Shopify…) with their status, last and next sync",
    description: "Credentials are never returned (`hasCredentials` says whether some are stored); `webhookSecret` is in admins' answers only.",
  },
}, async ({ request, principal, query }) => {
  return { integrations: await listIntegrations(principal, { organizationId: await readScope(principal, query.organization), origin: requestOrigin(request) }) };
});

// POST /api/v1/integrations { kind, name, baseUrl, credentials, settings? } — add an integration → 201 { integration } (admin)
export const POST = apiRoute({
  auth: "admin",
  redis: true,
  body: createIntegrationSchema,
  doc: {
    summary: "Add an integration; its credentials are sealed (AES-256-GCM) and never returned",
    description: "`settings.syncIntervalMinutes` makes a schedule of incremental syncs (see /api/v1/schedules). The answer carries the webhook URL and secret to enter at the provider.",
    responses: { 201: "Created: `{ integration }`, with its URL in `Location`" },
    errors: { "unprocessable-entity": "A bad field, with its path." },
  },
}, async ({ request, principal, body }) => {
  const result = await createIntegration(principal, body, requestOrigin(request));
  if (!result.ok) throw integrationError(result);
  return Response.json({ integration: result.integration }, { status: 201, headers: { location: `/api/v1/integrations/${result.integration.id}` } });
});
