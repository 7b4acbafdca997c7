import { describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import type { JobEvent } from "@/lib/realtime/events";
import type { EventHub } from "@/lib/realtime/hub";
import { openEventStream } from "@/lib/realtime/sse";

const principal: Principal = { id: "u1", email: "u1@test.local", name: "U1", role: "PLANNER", organizationId: "o1", via: "api-key" };

function fakeHub() {
  const listeners = new Set<(event: JobEvent) => void>();
  const hub = {
    subscribe: (listener: (event: JobEvent) => void) => (listeners.add(listener), () => listeners.delete(listener)),
    ready: async () => {},
    replay: async () => [],
    replayGap: async () => false,
  } as unknown as EventHub;
  return { hub, listeners };
}

describe("a client that stops reading", () => {
  it("is dropped instead of buffering events without limit", async () => {
    const { hub, listeners } = fakeHub();
    const stream = openEventStream({ principal, all: false, lastEventId: null, heartbeatMs: 60_000, hub, signal: new AbortController().signal });
    const reader = stream.getReader();
    await reader.read(); // the "connected" preamble: the stream has started
    expect(listeners.size).toBe(1);
    for (let index = 1; index <= 6_000 && listeners.size > 0; index++) {
      for (const listener of listeners) {
        listener({ id: `${index}-0`, event: "job:progress", jobId: `j${index}`, type: "forecast", name: "f", ownerId: "u1", organizationId: "o1", progress: 10, message: "m", timestamp: 0 });
      }
    }
    expect(listeners.size).toBe(0);
    // What was queued can still be read, then the stream ends.
    let chunks = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      chunks++;
    }
    expect(chunks).toBeGreaterThan(4_000);
  });
});
