import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

// Heartbeats every 100 ms for this file. env() is parsed lazily and cached on first use, so this
// must be set before anything calls it; vi.hoisted runs before the imports are evaluated.
vi.hoisted(() => {
  process.env.SSE_HEARTBEAT_INTERVAL = "100";
});

import * as sseRoute from "@/app/api/v1/sse/route";
import type { Principal } from "@/lib/auth/principal";
import { env } from "@/lib/env";
import { EVENT_STREAM_MAX_LENGTH, eventStreamKey, publishJobEvent, type JobEvent, type JobEventPayload, type JobEventType } from "@/lib/realtime/events";
import { eventHub, type EventHub } from "@/lib/realtime/hub";
import { openEventStream } from "@/lib/realtime/sse";
import { createRedis, type RedisClient } from "@/lib/redis";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { openStream, parseFrames, type OpenStream } from "./sse-client";

let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let redis: RedisClient;
const prefix = process.env.REDIS_PREFIX!;
const open: OpenStream[] = [];

async function stream(options: Parameters<typeof openStream>[0]) {
  const opened = await openStream(options);
  open.push(opened);
  expect(opened.status).toBe(200);
  return opened;
}

async function connected(options: Parameters<typeof openStream>[0]) {
  const opened = await stream(options);
  await opened.until((s) => s.connected);
  return opened;
}

function publish(type: JobEventType, ownerId: string | null, extra: Partial<JobEventPayload> = {}) {
  const jobId = extra.jobId ?? randomUUID();
  const payload: JobEventPayload = {
    jobId,
    type: "forecast",
    name: "forecast:TST",
    ownerId,
    organizationId: null,
    progress: type === "job:complete" ? 100 : 30,
    message: type === "job:failed" ? "failed" : "running models",
    timestamp: Date.now(),
    ...extra,
  };
  return publishJobEvent(redis, prefix, type, payload).then((id) => ({ id, jobId }));
}

const jobIds = (s: OpenStream) => s.events.map((event) => event.data.jobId as string);
const hasJob = (jobId: string) => (s: OpenStream) => jobIds(s).includes(jobId);

/** Redis connections named capliquify-* that belong to this process (other test runs share the server). */
async function ownConnections(): Promise<number> {
  const ports = new Set(
    (process as unknown as { _getActiveHandles(): unknown[] })
      ._getActiveHandles()
      .filter((handle): handle is Socket => typeof (handle as Socket)?.remotePort === "number" && (handle as Socket).remotePort === 6379)
      .map((socket) => String(socket.localPort)),
  );
  const list = (await redis.client("LIST")) as string;
  return list
    .split("\n")
    .filter((line) => /name=\S*capliquify/.test(line))
    .filter((line) => ports.has(/ addr=[^ ]*:(\d+) /.exec(` ${line}`)?.[1] ?? "")).length;
}

beforeAll(async () => {
  expect(env().SSE_HEARTBEAT_INTERVAL).toBe(100);
  [alice, bob, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("PLANNER"), createTestUser("ADMIN")]);
  redis = createRedis("producer");
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  redis.disconnect();
});

describe("the stream", () => {
  it("is an event stream that says it is connected, with a retry hint", async () => {
    const s = await connected({ apiKey: alice.apiKey });
    expect(s.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(s.headers.get("cache-control")).toContain("no-cache");
    expect(s.headers.get("x-accel-buffering")).toBe("no");
    expect(s.frames[0]).toMatchObject({ retry: 3000, comments: ["connected"] });
  });

  it("works for a cookie session (a GET needs no Origin)", async () => {
    const s = await connected({ cookie: alice.cookie });
    const { jobId } = await publish("job:progress", alice.id);
    await s.until(hasJob(jobId));
  });

  it("delivers a frame with id, event name and the documented data, without the owner", async () => {
    const s = await connected({ apiKey: alice.apiKey });
    const { id, jobId } = await publish("job:progress", alice.id, { progress: 30, message: "running models" });
    await s.until(hasJob(jobId));
    const [event] = s.events;
    expect(event).toMatchObject({ id, event: "job:progress" });
    expect(event!.data).toMatchObject({ jobId, type: "forecast", progress: 30, message: "running models", name: "forecast:TST" });
    expect(event!.data).not.toHaveProperty("ownerId");
  });

  it("sends heartbeats while idle", async () => {
    const s = await connected({ apiKey: alice.apiKey });
    await s.until((current) => current.heartbeats >= 2, 3_000);
  });

  it("ends when the browser goes away, and drops its subscription", async () => {
    const before = eventHub().subscriberCount;
    const s = await connected({ apiKey: alice.apiKey });
    expect(eventHub().subscriberCount).toBe(before + 1);
    open.splice(open.indexOf(s), 1);
    await s.close();
    expect(s.ended).toBe(true);
    expect(eventHub().subscriberCount).toBe(before);
  });

  it("a request aborted before the stream starts leaves no subscription behind", async () => {
    const before = eventHub().subscriberCount;
    const abort = new AbortController();
    abort.abort();
    const request = new Request("http://localhost:3000/api/v1/sse", { headers: { authorization: `Bearer ${alice.apiKey}` }, signal: abort.signal });
    const response = await sseRoute.GET(request, { params: Promise.resolve({}) });
    const reader = response.body!.getReader();
    await vi.waitFor(async () => expect((await reader.read()).done).toBe(true), { timeout: 2_000 });
    expect(eventHub().subscriberCount).toBe(before);
  });
});

describe("who sees what", () => {
  it("a planner gets only their own jobs; an admin with ?all=1 gets everyone's", async () => {
    const aliceStream = await connected({ apiKey: alice.apiKey });
    const aliceAll = await connected({ apiKey: alice.apiKey, query: "?all=1" });
    const bobStream = await connected({ cookie: bob.cookie });
    const adminOwn = await connected({ apiKey: admin.apiKey });
    const adminAll = await connected({ apiKey: admin.apiKey, query: "?all=1" });

    const a = await publish("job:progress", alice.id);
    const b = await publish("job:complete", bob.id);
    const n = await publish("job:failed", null);
    const d = await publish("job:complete", admin.id);
    // The stream is ordered, so once each has seen a last event of its own, it has seen everything.
    const aEnd = await publish("job:complete", alice.id);
    const bEnd = await publish("job:complete", bob.id);

    await aliceStream.until(hasJob(aEnd.jobId));
    await aliceAll.until(hasJob(aEnd.jobId));
    await bobStream.until(hasJob(bEnd.jobId));
    await adminOwn.until(hasJob(d.jobId));
    await adminAll.until(hasJob(bEnd.jobId));

    expect(jobIds(aliceStream)).toEqual([a.jobId, aEnd.jobId]);
    expect(jobIds(aliceAll)).toEqual([a.jobId, aEnd.jobId]);
    expect(jobIds(bobStream)).toEqual([b.jobId, bEnd.jobId]);
    expect(jobIds(adminOwn)).toEqual([d.jobId]);
    expect(jobIds(adminAll)).toEqual([a.jobId, b.jobId, n.jobId, d.jobId, aEnd.jobId, bEnd.jobId]);
    expect(adminAll.events.map((event) => event.event)).toEqual(["job:progress", "job:complete", "job:failed", "job:complete", "job:complete", "job:complete"]);
  });

  it("the first event after 'connected' is never lost (the hub is tailing before it says so)", async () => {
    // A fresh hub, as in a web process that has just started.
    await eventHub().close();
    delete (globalThis as { __capliquifyHub?: EventHub }).__capliquifyHub;
    const s = await connected({ apiKey: alice.apiKey });
    const { jobId } = await publish("job:complete", alice.id);
    await s.until(hasJob(jobId), 3_000);
  });
});

describe("reconnecting with Last-Event-ID", () => {
  it("replays the missed events after that id, only the caller's, then continues live", async () => {
    const before = await publish("job:complete", alice.id);
    const seen = await publish("job:progress", alice.id);
    const missed1 = await publish("job:complete", alice.id);
    await publish("job:failed", bob.id);
    const missed2 = await publish("job:failed", alice.id, { failedReason: "timeout" });

    const s = await connected({ apiKey: alice.apiKey, lastEventId: seen.id });
    await s.until(hasJob(missed2.jobId));
    const live = await publish("job:complete", alice.id);
    await s.until(hasJob(live.jobId));

    expect(jobIds(s)).toEqual([missed1.jobId, missed2.jobId, live.jobId]);
    expect(jobIds(s)).not.toContain(before.jobId);
    expect(s.events.map((event) => event.id)).toEqual([missed1.id, missed2.id, live.id]);
    expect(s.events.map((event) => event.event)).toEqual(["job:complete", "job:failed", "job:complete"]);
  });

  it("accepts ?lastEventId= for clients that cannot set the header", async () => {
    const seen = await publish("job:progress", alice.id);
    const missed = await publish("job:complete", alice.id);
    const s = await connected({ apiKey: alice.apiKey, query: `?lastEventId=${seen.id}` });
    await s.until(hasJob(missed.jobId));
  });

  it("ignores a Last-Event-ID that is not a stream id (no replay, no error)", async () => {
    await publish("job:complete", alice.id);
    const s = await connected({ apiKey: alice.apiKey, lastEventId: "0-0; DROP" });
    const live = await publish("job:complete", alice.id);
    await s.until(hasJob(live.jobId));
    expect(jobIds(s)).toEqual([live.jobId]);
  });

  it("does not lose a completion behind more than a page of other users' events", async () => {
    const seen = await publish("job:progress", alice.id);
    const pipeline = redis.pipeline();
    const noise = JSON.stringify({ jobId: "noise", type: "forecast", name: "n", ownerId: bob.id, progress: 50, message: "", timestamp: 0 });
    for (let index = 0; index < 1_500; index += 1) pipeline.xadd(eventStreamKey(prefix), "*", "event", "job:progress", "payload", noise);
    await pipeline.exec();
    const missed = await publish("job:complete", alice.id);

    const s = await connected({ apiKey: alice.apiKey, lastEventId: seen.id });
    await s.until(hasJob(missed.jobId), 3_000);
    expect(jobIds(s)).toEqual([missed.jobId]);
  });

  it("sends an event that arrives live during the replay exactly once, in order", async () => {
    const hub = eventHub();
    const seen = await publish("job:progress", alice.id);
    const missed = await publish("job:complete", alice.id);
    let racing: { id: string; jobId: string } | undefined;
    let later: { id: string; jobId: string } | undefined;
    const principal: Principal = { ...alice.principal, name: "Alice" };
    const observed: JobEvent[] = [];
    const stopObserving = hub.subscribe((event) => observed.push(event));

    // A hub whose replay is slow: while it runs, two more events are published and delivered live.
    // The first also falls inside the replay's range; the second comes after it.
    const slowHub = {
      subscribe: (listener: Parameters<EventHub["subscribe"]>[0]) => hub.subscribe(listener),
      replay: async (afterId: string) => {
        racing = await publish("job:failed", alice.id);
        await vi.waitFor(() => expect(observed.map((event) => event.id)).toContain(racing!.id));
        const replayed = await hub.replay(afterId);
        later = await publish("job:complete", alice.id);
        await vi.waitFor(() => expect(observed.map((event) => event.id)).toContain(later!.id));
        return replayed;
      },
      ready: () => (hub as unknown as { ready?: () => Promise<void> }).ready?.() ?? Promise.resolve(),
      replayGap: async () => false,
    } as unknown as EventHub;

    const abort = new AbortController();
    const body = openEventStream({ principal, all: false, lastEventId: seen.id, heartbeatMs: 60_000, hub: slowHub, signal: abort.signal });
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    await vi.waitFor(
      async () => {
        const { value } = await reader.read();
        text += decoder.decode(value, { stream: true });
        expect(text).toContain(later!.jobId);
      },
      { timeout: 5_000, interval: 1 },
    );
    abort.abort();
    stopObserving();
    const ids = parseFrames(text).frames.filter((frame) => frame.event).map((frame) => frame.id);
    expect(ids).toEqual([missed.id, racing!.id, later!.id]);
  });
});

describe("Redis connections", () => {
  it("do not grow with the number of open streams", async () => {
    const first = await connected({ apiKey: alice.apiKey });
    const baseline = await ownConnections();
    // The hub's reader, the shared producer and this test's publisher: a handful, not one per stream.
    expect(baseline).toBeGreaterThan(0);
    expect(baseline).toBeLessThanOrEqual(4);

    const streams = await Promise.all(Array.from({ length: 50 }, (_, index) => connected({ apiKey: index % 2 ? alice.apiKey : bob.apiKey })));
    expect(eventHub().subscriberCount).toBeGreaterThanOrEqual(51);
    const a = await publish("job:complete", alice.id);
    const b = await publish("job:complete", bob.id);
    await Promise.all(streams.map((s, index) => s.until(hasJob(index % 2 ? a.jobId : b.jobId))));
    await first.until(hasJob(a.jobId));
    expect(await ownConnections()).toBe(baseline);

    await Promise.all(open.splice(0).map((s) => s.close()));
    expect(eventHub().subscriberCount).toBe(0);
    expect(await ownConnections()).toBe(baseline);
  });
});

// Last: it fills the stream to its cap.
describe("a stream trimmed while the browser was away", () => {
  it("tells the browser to re-read its jobs when the events it missed were trimmed away", async () => {
    const first = await publish("job:complete", alice.id);
    // Push the stream past its cap so the first event is trimmed.
    const pipeline = redis.pipeline();
    for (let index = 0; index < EVENT_STREAM_MAX_LENGTH + 500; index++) {
      pipeline.xadd(eventStreamKey(prefix), "MAXLEN", "~", EVENT_STREAM_MAX_LENGTH, "*", "event", "job:progress", "payload", "{}");
    }
    await pipeline.exec();
    const s = await connected({ apiKey: alice.apiKey, lastEventId: first.id });
    await s.until((opened) => opened.frames.some((frame) => frame.event === "resync"));

    const recent = (await redis.xrevrange(eventStreamKey(prefix), "+", "-", "COUNT", 1)) as [string, string[]][];
    const upToDate = await connected({ apiKey: alice.apiKey, lastEventId: recent[0]![0] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upToDate.frames.some((frame) => frame.event === "resync")).toBe(false);
    await redis.del(eventStreamKey(prefix));
  });

});
