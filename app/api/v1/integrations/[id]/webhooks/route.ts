import { ApiError } from "@/lib/api/errors";
import { apiRoute, readBodyText } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { env } from "@/lib/env";
import { receiveWebhook } from "@/lib/integrations/webhooks";

export const dynamic = "force-dynamic";

const STATUS = { "not-found": "not-found", "bad-signature": "unauthorized", "no-delivery-id": "bad-request", unavailable: "service-unavailable" } as const;

// POST /api/v1/integrations/:id/webhooks — a provider's signed webhook: verified, deduplicated by delivery id, answered with a debounced sync (public; signed)
export const POST = apiRoute({
  auth: "public",
  redis: true,
  params: idParams,
  doc: {
    summary: "Webhook endpoint for the provider (Shopify): signed with the integration's webhook secret",
    description:
      "`X-Shopify-Hmac-SHA256` must be the base64 HMAC-SHA256 of the raw body with the integration's `webhookSecret`. A repeated `X-Shopify-Webhook-Id` is answered 200 `{ duplicate: true }` and does nothing. `orders/*` and `inventory_levels/*` topics queue an incremental sync after a few seconds; a burst of webhooks is one sync.",
    errors: { unauthorized: "The signature does not match the body.", "bad-request": "No X-Shopify-Webhook-Id.", "not-found": "No such integration." },
  },
}, async ({ request, params }) => {
  // The raw bytes as sent: the signature is over them, not over a re-serialised JSON.
  const rawBody = await readBodyText(request, env().API_MAX_BODY_BYTES);
  const outcome = await receiveWebhook({ integrationId: params.id, rawBody, headers: request.headers });
  if (!outcome.ok) throw new ApiError(STATUS[outcome.code], outcome.message);
  return outcome.duplicate ? { received: true, duplicate: true } : { received: true, duplicate: false, jobId: outcome.jobId, deduplicated: outcome.deduplicated, ...(outcome.note ? { note: outcome.note } : {}) };
});
