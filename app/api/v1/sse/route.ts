import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { env } from "@/lib/env";
import { eventHub } from "@/lib/realtime/hub";
import { openEventStream } from "@/lib/realtime/sse";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const query = z.object({
  all: z.enum(["0", "1", "true", "false"]).optional(),
  /** Admins: only the events of one organisation's runs (id or slug). */
  organization: organizationParam.optional(),
});
const STREAM_ID = /^\d+-\d+$/;

// GET /api/v1/sse?all=1&organization= — live job:progress / job:complete / job:failed events of the caller's jobs (admins: all=1 for everyone's, organization= for one organisation's)
export const GET = apiRoute({ auth: "user", redis: true, query }, async ({ request, principal, query }) => {
  const lastEventId = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId");
  // A planner's stream is their own jobs' already; only an admin's is narrowed by organisation.
  const organizationId = principal.role === "ADMIN" ? await readScope(principal, query.organization) : undefined;
  const stream = openEventStream({
    principal,
    all: query.all === "1" || query.all === "true",
    organizationId,
    lastEventId: lastEventId && STREAM_ID.test(lastEventId) ? lastEventId : null,
    heartbeatMs: env().SSE_HEARTBEAT_INTERVAL,
    hub: eventHub(),
    signal: request.signal,
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
