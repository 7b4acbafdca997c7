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
export const GET = apiRoute({
  auth: "user",
  redis: true,
  query,
  doc: {
    summary: "Live job:progress, job:complete and job:failed events of the caller's jobs",
    description: "A Server-Sent Events stream; admins get everyone's with `all=1`, one organisation's with `organization=`. A reconnecting client sends `Last-Event-ID` and misses no completion or failure.",
    headers: { "last-event-id": z.string().max(100).optional().describe("The id of the last event received; the stream resumes after it") },
    responses: { 200: { description: "The event stream", contentType: "text/event-stream" } },
  },
}, async ({ request, principal, query }) => {
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
