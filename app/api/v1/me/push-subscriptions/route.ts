import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { deletePushSubscription, listPushDevices, pushSubscriptionSchema, savePushSubscription } from "@/lib/push/subscriptions";

export const dynamic = "force-dynamic";

// GET /api/v1/me/push-subscriptions — the caller's devices that receive web push (user)
export const GET = apiRoute({ auth: "user", doc: { summary: "The caller's devices subscribed to web push", tag: "me" } }, async ({ principal }) => {
  return { devices: await listPushDevices(principal.id) };
});

// POST /api/v1/me/push-subscriptions { endpoint, expirationTime, keys: { p256dh, auth }, deviceLabel? } — subscribe this browser (user)
export const POST = apiRoute({
  auth: "user",
  body: pushSubscriptionSchema,
  doc: {
    summary: "Subscribe a browser to web push: the JSON of its PushSubscription",
    description: "The body is what `PushSubscription.toJSON()` returns, optionally with a `deviceLabel`. A browser that subscribes again replaces its row (the endpoint names it).",
    tag: "me",
    responses: { 200: "Updated: `{ device }`", 201: "Created: `{ device }`" },
  },
}, async ({ principal, body, request }) => {
  const { device, created } = await savePushSubscription(principal.id, body, request.headers.get("user-agent"));
  return Response.json({ device }, { status: created ? 201 : 200 });
});

const deleteBody = z.object({ endpoint: z.string({ error: "endpoint is required" }).trim().min(1, "endpoint is required").max(2_000) });

// DELETE /api/v1/me/push-subscriptions { endpoint } — unsubscribe one of the caller's browsers (user)
export const DELETE = apiRoute({
  auth: "user",
  body: deleteBody,
  doc: {
    summary: "Unsubscribe a browser from web push, by its endpoint",
    tag: "me",
    responses: { 204: "Removed" },
    errors: { "not-found": "The caller has no subscription with this endpoint." },
  },
}, async ({ principal, body }) => {
  if (!(await deletePushSubscription(principal.id, body.endpoint))) throw new ApiError("not-found", "No push subscription of yours has this endpoint");
  return new Response(null, { status: 204 });
});
