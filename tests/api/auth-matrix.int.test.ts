import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as forecastById from "@/app/api/v1/forecasts/[id]/route";
import * as forecasts from "@/app/api/v1/forecasts/route";
import * as healthRedis from "@/app/api/v1/health/redis/route";
import * as health from "@/app/api/v1/health/route";
import * as jobsList from "@/app/api/v1/jobs/route";
import * as productById from "@/app/api/v1/products/[id]/route";
import * as products from "@/app/api/v1/products/route";
import * as clean from "@/app/api/v1/queues/[queueKey]/clean/route";
import * as failed from "@/app/api/v1/queues/[queueKey]/failed/route";
import * as retry from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/retry/route";
import * as jobStatus from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/route";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import * as pause from "@/app/api/v1/queues/[queueKey]/pause/route";
import * as resume from "@/app/api/v1/queues/[queueKey]/resume/route";
import * as stats from "@/app/api/v1/queues/[queueKey]/stats/route";
import * as queues from "@/app/api/v1/queues/route";
import * as sse from "@/app/api/v1/sse/route";
import * as workers from "@/app/api/v1/workers/status/route";
import { revokeApiKey, createApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db";
import { createTestProduct, createTestUser, type CallOptions, type TestUser } from "../helpers/fixtures";
import { invoke, SAME_ORIGIN } from "./support";

/**
 * Every endpoint under app/api/v1 against every kind of caller. `ok` is the status an allowed
 * caller gets; the matrix checks that anonymous, revoked, unknown and malformed credentials get
 * 401, planners get 403 on admin-only endpoints, and everyone else gets `ok`.
 */
type Access = "public" | "user" | "admin";
interface Endpoint {
  name: string;
  access: Access;
  /** Status an allowed caller gets (public health: 200, or 503 when a dependency is down). */
  ok: number | number[];
  request: () => [Parameters<typeof invoke>[0], CallOptions];
}

let planner: TestUser;
let admin: TestUser;
let revokedKey: string;
let plannerJobId: string;
let productId: string;
let forecastId: string;

const endpoints: Endpoint[] = [
  { name: "GET /health", access: "public", ok: [200, 503], request: () => [health.GET, { path: "/api/v1/health" }] },
  { name: "GET /health/redis", access: "user", ok: 200, request: () => [healthRedis.GET, { path: "/api/v1/health/redis" }] },
  { name: "GET /queues", access: "user", ok: 200, request: () => [queues.GET, { path: "/api/v1/queues" }] },
  {
    name: "POST /queues/:queue/jobs",
    access: "user",
    ok: 201,
    request: () => [
      jobs.POST,
      { method: "POST", path: "/api/v1/queues/export/jobs", params: { queueKey: "export" }, body: { name: "matrix", data: { entity: "products", format: "csv" } } },
    ],
  },
  {
    name: "GET /queues/:queue/jobs/:id",
    access: "user",
    ok: 200,
    request: () => [jobStatus.GET, { path: `/api/v1/queues/export/jobs/${plannerJobId}`, params: { queueKey: "export", jobId: plannerJobId } }],
  },
  {
    // The job is waiting, so an allowed caller gets past auth and is told it cannot be retried.
    name: "POST /queues/:queue/jobs/:id/retry",
    access: "user",
    ok: 409,
    request: () => [
      retry.POST,
      { method: "POST", path: `/api/v1/queues/export/jobs/${plannerJobId}/retry`, params: { queueKey: "export", jobId: plannerJobId } },
    ],
  },
  { name: "GET /queues/:queue/stats", access: "user", ok: 200, request: () => [stats.GET, { path: "/api/v1/queues/export/stats", params: { queueKey: "export" } }] },
  { name: "GET /queues/:queue/failed", access: "admin", ok: 200, request: () => [failed.GET, { path: "/api/v1/queues/export/failed", params: { queueKey: "export" } }] },
  {
    name: "POST /queues/:queue/pause",
    access: "admin",
    ok: 200,
    request: () => [pause.POST, { method: "POST", path: "/api/v1/queues/analytics/pause", params: { queueKey: "analytics" } }],
  },
  {
    name: "POST /queues/:queue/resume",
    access: "admin",
    ok: 200,
    request: () => [resume.POST, { method: "POST", path: "/api/v1/queues/analytics/resume", params: { queueKey: "analytics" } }],
  },
  {
    name: "POST /queues/:queue/clean",
    access: "admin",
    ok: 200,
    request: () => [clean.POST, { method: "POST", path: "/api/v1/queues/analytics/clean", params: { queueKey: "analytics" }, body: { type: "completed" } }],
  },
  {
    name: "POST /forecasts",
    access: "user",
    ok: 201,
    request: () => [forecasts.POST, { method: "POST", path: "/api/v1/forecasts", body: { productId, horizon: 7 } }],
  },
  { name: "GET /forecasts", access: "user", ok: 200, request: () => [forecasts.GET, { path: "/api/v1/forecasts" }] },
  {
    name: "GET /forecasts/:id",
    access: "user",
    ok: 200,
    request: () => [forecastById.GET, { path: `/api/v1/forecasts/${forecastId}`, params: { id: forecastId } }],
  },
  { name: "GET /products", access: "user", ok: 200, request: () => [products.GET, { path: "/api/v1/products" }] },
  {
    name: "GET /products/:id",
    access: "user",
    ok: 200,
    request: () => [productById.GET, { path: `/api/v1/products/${productId}`, params: { id: productId } }],
  },
  { name: "GET /workers/status", access: "user", ok: 200, request: () => [workers.GET, { path: "/api/v1/workers/status" }] },
  { name: "GET /jobs", access: "user", ok: 200, request: () => [jobsList.GET, { path: "/api/v1/jobs" }] },
  { name: "GET /sse", access: "user", ok: 200, request: () => [sse.GET, { path: "/api/v1/sse" }] },
];

type Caller = { name: string; auth: () => CallOptions["auth"]; headers?: () => Record<string, string>; role: "anonymous" | "bad" | "PLANNER" | "ADMIN" };

let forgedCookie: string;
let roleless: string;

const callers: Caller[] = [
  { name: "anonymous", role: "anonymous", auth: () => undefined },
  { name: "planner API key", role: "PLANNER", auth: () => ({ apiKey: planner.apiKey }) },
  { name: "planner cookie", role: "PLANNER", auth: () => ({ cookie: planner.cookie }) },
  { name: "admin API key", role: "ADMIN", auth: () => ({ apiKey: admin.apiKey }) },
  { name: "admin cookie", role: "ADMIN", auth: () => ({ cookie: admin.cookie }) },
  { name: "revoked API key", role: "bad", auth: () => ({ apiKey: revokedKey }) },
  { name: "unknown API key", role: "bad", auth: () => ({ apiKey: `cq_${"x".repeat(32)}` }) },
  { name: "key without our prefix", role: "bad", auth: () => ({ apiKey: "not-a-key" }) },
  { name: "Basic scheme", role: "bad", auth: () => undefined, headers: () => ({ authorization: `Basic ${btoa("a:b")}` }) },
  { name: "Bearer without key", role: "bad", auth: () => undefined, headers: () => ({ authorization: "Bearer" }) },
  { name: "garbage Authorization", role: "bad", auth: () => undefined, headers: () => ({ authorization: "!!!" }) },
  { name: "Bearer with two tokens", role: "bad", auth: () => undefined, headers: () => ({ authorization: `Bearer ${planner.apiKey} extra` }) },
  { name: "Token scheme with a valid key", role: "bad", auth: () => undefined, headers: () => ({ authorization: `Token ${planner.apiKey}` }) },
  // A bad Authorization header is not rescued by a good cookie: the caller meant the key.
  { name: "bad key plus a valid cookie", role: "bad", auth: () => ({ cookie: admin.cookie }), headers: () => ({ authorization: "Bearer cq_nope" }) },
  { name: "lower-case bearer scheme", role: "PLANNER", auth: () => undefined, headers: () => ({ authorization: `bearer ${planner.apiKey}` }) },
  { name: "session cookie signed with another secret", role: "bad", auth: () => ({ cookie: forgedCookie }) },
  { name: "session cookie without a role", role: "bad", auth: () => ({ cookie: roleless }) },
  { name: "garbage session cookie", role: "bad", auth: () => ({ cookie: "next-auth.session-token=abc.def.ghi" }) },
  { name: "session cookie with broken percent-encoding", role: "bad", auth: () => ({ cookie: "next-auth.session-token=%E0%A4%A" }) },
];

function expected(endpoint: Endpoint, caller: Caller): number[] {
  const ok = Array.isArray(endpoint.ok) ? endpoint.ok : [endpoint.ok];
  if (caller.role === "bad") return [401];
  if (caller.role === "anonymous") return endpoint.access === "public" ? ok : [401];
  if (caller.role === "PLANNER" && endpoint.access === "admin") return [403];
  return ok;
}

beforeAll(async () => {
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
  const revoked = await createApiKey(planner.id, "revoked");
  await revokeApiKey(revoked.record.id);
  revokedKey = revoked.key;
  forgedCookie = `next-auth.session-token=${await encode({
    token: { sub: admin.id, email: admin.email, role: "ADMIN" },
    secret: "some-other-secret-of-16-chars",
  })}`;
  roleless = `next-auth.session-token=${await encode({ token: { sub: planner.id, email: planner.email }, secret: "test-secret-at-least-16-chars" })}`;
  const product = await createTestProduct(30);
  productId = product.id;
  const forecast = await db().forecast.create({
    data: {
      jobId: `matrix-${randomUUID()}`,
      organizationId: product.organizationId,
      productId,
      horizon: 7,
      models: ["ma"],
      historyStart: new Date(Date.UTC(2026, 9, 1)),
      historyEnd: new Date(Date.UTC(2026, 9, 30)),
    },
  });
  forecastId = forecast.id;
  const created = await invoke(jobs.POST, {
    method: "POST",
    params: { queueKey: "export" },
    body: { name: "owned", data: { entity: "sales", format: "json" } },
    auth: { apiKey: planner.apiKey },
  });
  expect(created.status).toBe(201);
  plannerJobId = created.json.jobId;
});

describe.each(endpoints)("$name", (endpoint) => {
  it.each(callers)("$name", async (caller) => {
    const [handler, options] = endpoint.request();
    const cookie = Boolean(caller.auth()?.cookie);
    // Scripts with API keys send no Origin; browsers with cookies do.
    const response = await invoke(handler, {
      ...options,
      auth: caller.auth(),
      // A signed-in browser on our own pages; cross-site requests are covered in csrf.int.test.ts.
      headers: { ...(cookie ? SAME_ORIGIN : {}), ...caller.headers?.() },
    });
    expect(expected(endpoint, caller), `${response.status} ${response.text}`).toContain(response.status);
    if (response.status === 401) expect(response.json.error.code).toBe("unauthorized");
    if (response.status === 403) expect(response.json.error.code).toBe("forbidden");
  });
});

describe("GET /health (public)", () => {
  it("says nothing secret to anonymous callers", async () => {
    const response = await invoke(health.GET, { path: "/api/v1/health" });
    expect([200, 503]).toContain(response.status);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.text).not.toContain("redis://");
    expect(response.text).not.toContain("postgresql://");
    expect(response.text).not.toContain("postgres://");
    expect(response.text).not.toMatch(/version|password|secret/i);
    expect(response.json).toMatchObject({ web: { status: "up" }, redis: { healthy: true }, database: { healthy: true } });
  });

  it("does not expose Redis server details on the authenticated probe either", async () => {
    const response = await invoke(healthRedis.GET, { path: "/api/v1/health/redis", auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(200);
    expect(response.text).not.toContain("redis://");
  });
});

afterAll(async () => {
  await db().apiKey.deleteMany({ where: { userId: { in: [planner.id, admin.id] } } });
});
