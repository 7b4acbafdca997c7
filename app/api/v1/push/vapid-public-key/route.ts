import { apiRoute } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { vapidDetails } from "@/lib/push/vapid";

export const dynamic = "force-dynamic";

// GET /api/v1/push/vapid-public-key — the key a browser subscribes with (public: a service worker may ask before sign-in)
export const GET = apiRoute({
  auth: "public",
  doc: {
    summary: "The VAPID public key browsers pass to pushManager.subscribe as applicationServerKey",
    responses: { 200: "`{ publicKey }` (base64url)" },
    errors: { "service-unavailable": "Web push is not configured on this server (production without VAPID keys)." },
  },
}, async () => {
  const outcome = vapidDetails();
  if (!outcome.ok) throw new ApiError("service-unavailable", outcome.reason);
  return { publicKey: outcome.vapid.publicKey };
});
