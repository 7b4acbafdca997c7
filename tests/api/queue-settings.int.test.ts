import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as settings from "@/app/api/v1/queues/[queueKey]/settings/route";
import { db } from "@/lib/db";
import { effectiveRateLimit } from "@/lib/jobs/queue-limits";
import { queueManager } from "@/lib/jobs/queue-manager";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { invoke } from "./support";

/** Runtime global concurrency and rate limit, stored where BullMQ's workers read them. */
let planner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
});

afterAll(async () => {
  await Promise.all(["forecast", "sync", "import"].map((key) => queueManager().queue(key as "forecast").removeGlobalConcurrency()));
});

const patch = (queueKey: string, body: unknown, user = admin) =>
  invoke(settings.PATCH, { method: "PATCH", params: { queueKey }, body, auth: { apiKey: user.apiKey } });

describe("PATCH /api/v1/queues/:queueKey/settings", () => {
  it("stores a global concurrency in the queue meta BullMQ's workers read, audits it, and null removes it", async () => {
    const response = await patch("forecast", { globalConcurrency: 4 });
    expect(response.status, response.text).toBe(200);
    expect(response.json.limits).toMatchObject({ globalConcurrency: 4, processConcurrency: 3, globalRateLimit: null, effectiveRateLimit: null });
    expect(await queueManager().queue("forecast").getGlobalConcurrency()).toBe(4);
    const audit = await db().auditLog.findFirstOrThrow({ where: { actorId: admin.id, action: "queue.settings", target: "forecast" } });
    expect(audit.details).toEqual({ before: { globalConcurrency: null, rateLimit: null }, after: { globalConcurrency: 4, rateLimit: null } });

    const removed = await patch("forecast", { globalConcurrency: null });
    expect(removed.json.limits.globalConcurrency).toBeNull();
    expect(await queueManager().queue("forecast").getGlobalConcurrency()).toBeNull();
  });

  it("sets and removes a global rate limit on a queue without a worker limiter", async () => {
    const response = await patch("import", { rateLimit: { max: 5, durationMs: 60_000 } });
    expect(response.status, response.text).toBe(200);
    expect(response.json.limits).toMatchObject({ globalRateLimit: { max: 5, durationMs: 60_000 }, effectiveRateLimit: { max: 5, durationMs: 60_000 } });
    expect(await queueManager().queue("import").getGlobalRateLimit()).toEqual({ max: 5, duration: 60_000 });
    const removed = await patch("import", { rateLimit: null });
    expect(removed.json.limits.effectiveRateLimit).toBeNull();
  });

  it("on a queue whose workers carry a limiter, changes the max and refuses another window", async () => {
    const refused = await patch("sync", { rateLimit: { max: 3, durationMs: 5_000 } });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toContain("1000 ms window");
    expect(await queueManager().queue("sync").getGlobalRateLimit()).toBeNull();

    const changed = await patch("sync", { rateLimit: { max: 3, durationMs: 1_000 } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.limits.effectiveRateLimit).toEqual({ max: 3, durationMs: 1_000 });
    // Removing the runtime limit falls back to the workers' own.
    const removed = await patch("sync", { rateLimit: null });
    expect(removed.json.limits).toMatchObject({ globalRateLimit: null, effectiveRateLimit: { max: 10, durationMs: 1_000 } });
  });

  it("names what is wrong in bad input", async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /send globalConcurrency and\/or rateLimit/],
      [{ globalConcurrency: 0 }, /body\.globalConcurrency: must be at least 1/],
      [{ globalConcurrency: 2.5 }, /body\.globalConcurrency: must be a whole number/],
      [{ globalConcurrency: "4" }, /body\.globalConcurrency/],
      [{ rateLimit: { max: 0, durationMs: 1000 } }, /body\.rateLimit\.max: must be at least 1/],
      [{ rateLimit: { max: 1, durationMs: 10 } }, /body\.rateLimit\.durationMs: must be at least 100 ms/],
      [{ concurrency: 3 }, /concurrency/],
    ];
    for (const [body, message] of cases) {
      const response = await patch("export", body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.json.error.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await patch("nope", { globalConcurrency: 1 })).status).toBe(404);
  });

  it("answers 401 without credentials and 403 to a planner, and refuses cross-site sessions", async () => {
    expect((await invoke(settings.PATCH, { method: "PATCH", params: { queueKey: "export" }, body: { globalConcurrency: 1 } })).status).toBe(401);
    expect((await patch("export", { globalConcurrency: 1 }, planner)).status).toBe(403);
    expect((await invoke(settings.GET, { params: { queueKey: "export" }, auth: { apiKey: planner.apiKey } })).status).toBe(403);
    const crossSite = await invoke(settings.PATCH, {
      method: "PATCH",
      params: { queueKey: "export" },
      body: { globalConcurrency: 1 },
      auth: { cookie: admin.cookie },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    expect(await queueManager().queue("export").getGlobalConcurrency()).toBeNull();
  });

  it("GET reads the limits in force", async () => {
    const response = await invoke(settings.GET, { params: { queueKey: "notification" }, auth: { apiKey: admin.apiKey } });
    expect(response.json).toEqual({
      queue: "notification",
      limits: { globalConcurrency: null, globalRateLimit: null, effectiveRateLimit: { max: 50, durationMs: 1000 }, workerRateLimit: { max: 50, durationMs: 1000 }, processConcurrency: 5 },
    });
  });
});

describe("effectiveRateLimit", () => {
  it("merges as BullMQ does: runtime max, workers' window", () => {
    expect(effectiveRateLimit({ max: 3, durationMs: 9_000 }, { max: 10, durationMs: 1_000 })).toEqual({ max: 3, durationMs: 1_000 });
    expect(effectiveRateLimit(null, { max: 10, durationMs: 1_000 })).toEqual({ max: 10, durationMs: 1_000 });
    expect(effectiveRateLimit({ max: 3, durationMs: 9_000 }, null)).toEqual({ max: 3, durationMs: 9_000 });
    expect(effectiveRateLimit(null, null)).toBeNull();
  });
});
