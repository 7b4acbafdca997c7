import { apiRoute } from "@/lib/api/handler";
import { INTEGRATION_NOT_FOUND, integrationError } from "@/lib/api/integration-response";
import { idParams } from "@/lib/api/params";
import { testIntegration } from "@/lib/integrations/integrations";

export const dynamic = "force-dynamic";

// POST /api/v1/integrations/:id/test — check the connection with the stored credentials → { ok, accountName | message, status } (admin)
export const POST = apiRoute({
  auth: "admin",
  redis: true,
  params: idParams,
  doc: {
    summary: "Check the connection: one request to the provider with the stored credentials",
    description: "Answers 200 either way: `{ ok: true, accountName, status }` or `{ ok: false, message, status }`. A refusal (401/403) marks the integration NEEDS_ATTENTION; a success clears it.",
    errors: { "not-found": INTEGRATION_NOT_FOUND },
  },
}, async ({ principal, params }) => {
  const result = await testIntegration(principal, params.id);
  if (!result.ok) throw integrationError(result);
  return result.test;
});
