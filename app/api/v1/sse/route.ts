import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { eventHub } from "@/lib/realtime/hub";
import { openEventStream } from "@/lib/realtime/sse";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const query = z.object({ all: z.enum(["0", "1", "true", "false"]).optional() });
const STREAM_ID = /^\d+-\d+$/;

// GET /api/v1/sse — live job:progress / job:complete / job:failed events of the caller's jobs
export const GET = apiRoute({ auth: "user", redis: true, query }, async ({ request, principal, query }) => {
  const lastEventId = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId");
  const stream = openEventStream({
    principal,
    all: query.all === "1" || query.all === "true",
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
