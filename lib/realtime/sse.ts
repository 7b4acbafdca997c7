import type { Principal } from "../auth/principal";
import { compareStreamIds, type JobEvent } from "./events";
import type { EventHub } from "./hub";

export interface EventStreamOptions {
  principal: Principal;
  /** Admins may ask for every user's events; planners only ever get their own. */
  all: boolean;
  /** Admins: only events of runs working for this organisation. */
  organizationId?: string;
  lastEventId: string | null;
  heartbeatMs: number;
  hub: EventHub;
  signal: AbortSignal;
}

/** Chunks a stream may hold for a client that is not reading before it is closed. */
const MAX_QUEUED_CHUNKS = 5_000;

/**
 * The organisation a run works for, as the worker stamps it on the event. Read defensively: an
 * event published by a worker that predates organisations carries none.
 */
function eventOrganization(event: JobEvent): string | null {
  const organizationId = (event as JobEvent & { organizationId?: unknown }).organizationId;
  return typeof organizationId === "string" ? organizationId : null;
}

/**
 * A planner sees the events of their own jobs only (and a planner's runs work for their own
 * organisation: the enqueue refuses anything else); an admin, everyone's with `all`, narrowed to
 * one organisation's runs with `organizationId`.
 */
export function canSee(principal: Principal, all: boolean, event: JobEvent, organizationId?: string): boolean {
  const isAdmin = principal.role === "ADMIN";
  if (!(all && isAdmin) && event.ownerId !== principal.id) return false;
  return !(isAdmin && organizationId) || eventOrganization(event) === organizationId;
}

export function formatSse(event: JobEvent): string {
  const { id, event: name, ownerId: _owner, ...data } = event;
  return `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify({ ...data, jobId: event.jobId })}\n\n`;
}

/**
 * A text/event-stream body for one browser: missed events since Last-Event-ID first, then live
 * ones, then heartbeat comments so proxies keep the connection open.
 */
export function openEventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const { principal, all, hub, signal } = options;
  let cleanup = () => {};

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      // The browser may be gone before we start (an abort listener added now would never fire).
      if (signal.aborted) {
        controller.close();
        return;
      }
      let closed = false;
      const send = (chunk: string) => {
        if (closed) return;
        // A client that stopped reading (half-open connection, frozen tab) would buffer events
        // without limit; drop it, and it catches up through Last-Event-ID when it comes back.
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED_CHUNKS) return cleanup();
        controller.enqueue(encoder.encode(chunk));
      };
      // Live events are buffered until the replay has been sent, so nothing is lost or reordered
      // in the gap between reading the history and joining the live tail.
      let lastSentId = options.lastEventId;
      let buffer: JobEvent[] | null = [];
      const deliver = (event: JobEvent) => {
        if (!canSee(principal, all, event, options.organizationId)) return;
        if (lastSentId && compareStreamIds(event.id, lastSentId) <= 0) return;
        lastSentId = event.id;
        send(formatSse(event));
      };
      const unsubscribe = hub.subscribe((event) => (buffer ? buffer.push(event) : deliver(event)));
      const heartbeat = setInterval(() => send(`: heartbeat ${Date.now()}\n\n`), options.heartbeatMs);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      signal.addEventListener("abort", cleanup, { once: true });

      // "connected" promises that nothing published from now on is missed.
      await hub.ready();
      send(`retry: 3000\n: connected\n\n`);
      if (options.lastEventId) {
        try {
          // Older events may have been trimmed: tell the browser to re-read its jobs' state.
          if (await hub.replayGap(options.lastEventId)) send(`event: resync\ndata: {"reason":"events were missed while disconnected"}\n\n`);
          for (const event of await hub.replay(options.lastEventId)) deliver(event);
        } catch {
          send(`: replay unavailable\n\n`);
        }
      }
      const pending = buffer;
      buffer = null;
      for (const event of pending) deliver(event);
    },
    cancel() {
      cleanup();
    },
  });
}
