import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Redis "goes away" for this whole file: the producer clients are built from env().REDIS_URL, which
// is parsed lazily on first use (lib/env.ts), so setting it before anything calls env() points
// every shared client, Queue and the health probe at a closed port. vi.hoisted runs before the
// imports below are evaluated.
const { realRedisUrl } = vi.hoisted(() => {
  const realRedisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  process.env.REDIS_URL = "redis://127.0.0.1:1";
  return { realRedisUrl };
});

import * as forecasts from "@/app/api/v1/forecasts/route";
import * as healthRedis from "@/app/api/v1/health/redis/route";
import * as health from "@/app/api/v1/health/route";
import * as jobStatus from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/route";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import * as pause from "@/app/api/v1/queues/[queueKey]/pause/route";
import * as stats from "@/app/api/v1/queues/[queueKey]/stats/route";
import * as jobsList from "@/app/api/v1/jobs/route";
import * as products from "@/app/api/v1/products/route";
import * as queues from "@/app/api/v1/queues/route";
import * as sse from "@/app/api/v1/sse/route";
import * as workers from "@/app/api/v1/workers/status/route";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { expectErrorShape, invoke, runsOf } from "./support";

let planner: TestUser;
let admin: TestUser;
let productId: string;

/** The API must answer quickly when Redis is down, not hang until the client gives up. */
const FAST_MS = 5_000;

async function timed<T>(work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  expect(performance.now() - started).toBeLessThan(FAST_MS);
  return result;
}

function expectRedis503(response: { status: number; json: any }) {
  expect(response.status).toBe(503);
  expectErrorShape(response.json, "service-unavailable");
  expect(response.json.error.message).toMatch(/Redis/);
}

beforeAll(async () => {
  expect(env().REDIS_URL).toBe("redis://127.0.0.1:1");
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
  productId = (await createTestProduct(0)).id;
});

afterAll(() => {
  // The shared set-up removes this file's Redis keys after us through env().REDIS_URL; give it the
  // real server back (the parsed env is cached, so the variable alone is not enough).
  process.env.REDIS_URL = realRedisUrl;
  (env() as { REDIS_URL: string }).REDIS_URL = realRedisUrl;
});

describe("with Redis down", () => {
  it("POST /queues/forecast/jobs answers 503 naming Redis and leaves no ledger row", async () => {
    const response = await timed(() =>
      invoke(jobs.POST, {
        method: "POST",
        params: { queueKey: "forecast" },
        body: { name: "f", data: { productId, horizon: 7 } },
        auth: { apiKey: planner.apiKey },
      }),
    );
    expectRedis503(response);
    expect(await runsOf(planner.id)).toHaveLength(0);
  });

  it("POST /forecasts answers 503 and leaves no ledger row", async () => {
    const response = await timed(() => invoke(forecasts.POST, { method: "POST", body: { productId, horizon: 7 }, auth: { apiKey: planner.apiKey } }));
    expectRedis503(response);
    expect(await db().jobRun.count({ where: { ownerId: planner.id } })).toBe(0);
  });

  it("GET /queues answers 503", async () => {
    expectRedis503(await timed(() => invoke(queues.GET, { auth: { apiKey: planner.apiKey } })));
  });

  it("GET /queues/:queue/stats answers 503", async () => {
    expectRedis503(await timed(() => invoke(stats.GET, { params: { queueKey: "forecast" }, auth: { apiKey: planner.apiKey } })));
  });

  it("GET /queues/:queue/jobs/:id answers 503", async () => {
    expectRedis503(await timed(() => invoke(jobStatus.GET, { params: { queueKey: "forecast", jobId: "x" }, auth: { apiKey: planner.apiKey } })));
  });

  it("POST /queues/:queue/pause answers 503 and audits nothing", async () => {
    expectRedis503(await timed(() => invoke(pause.POST, { method: "POST", params: { queueKey: "forecast" }, auth: { apiKey: admin.apiKey } })));
    expect(await db().auditLog.count({ where: { actorId: admin.id } })).toBe(0);
  });

  it("GET /workers/status answers 503", async () => {
    expectRedis503(await timed(() => invoke(workers.GET, { auth: { apiKey: planner.apiKey } })));
  });

  it("GET /health says down (503) without secrets", async () => {
    const response = await timed(() => invoke(health.GET));
    expect(response.status).toBe(503);
    expect(response.json).toMatchObject({ status: "down", redis: { healthy: false, status: "down" }, database: { healthy: true } });
    expect(response.text).not.toContain("redis://");
    expect(response.text).not.toContain("127.0.0.1");
  });

  it("GET /health/redis says down (503)", async () => {
    const response = await timed(() => invoke(healthRedis.GET, { auth: { apiKey: planner.apiKey } }));
    expect(response.status).toBe(503);
    expect(response.json.health).toMatchObject({ healthy: false, status: "down", error: "Redis is unreachable" });
    expect(response.text).not.toContain("redis://");
  });

  it("GET /sse answers 503 (the browser's EventSource retries)", async () => {
    expectRedis503(await timed(() => invoke(sse.GET, { auth: { apiKey: planner.apiKey } })));
  });

  it("bad input still gets its 4xx, not a 503", async () => {
    // The request shape is checked before Redis; the queue payload itself is checked by the
    // enqueue service, which only runs once Redis is there.
    const response = await timed(() =>
      invoke(jobs.POST, { method: "POST", params: { queueKey: "forecast" }, body: { data: { productId, horizon: 7 } }, auth: { apiKey: planner.apiKey } }),
    );
    expect(response.status).toBe(422);
    expect((await invoke(forecasts.POST, { method: "POST", body: { productId, horizon: 0 }, auth: { apiKey: planner.apiKey } })).status).toBe(422);
    expect((await invoke(stats.GET, { params: { queueKey: "nope" }, auth: { apiKey: planner.apiKey } })).status).toBe(404);
    expect((await invoke(jobs.POST, { method: "POST", params: { queueKey: "forecast" }, body: {} })).status).toBe(401);
  });

  it("reads that need only PostgreSQL keep working", async () => {
    expect((await timed(() => invoke(products.GET, { auth: { apiKey: planner.apiKey } }))).status).toBe(200);
    expect((await timed(() => invoke(forecasts.GET, { auth: { apiKey: planner.apiKey } }))).status).toBe(200);
    expect((await timed(() => invoke(jobsList.GET, { auth: { apiKey: planner.apiKey } }))).status).toBe(200);
  });

  it("a second request is as quick as the first (nothing stuck in an offline queue)", async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expectRedis503(await timed(() => invoke(stats.GET, { params: { queueKey: "export" }, auth: { apiKey: planner.apiKey } })));
    }
  });
});
