import { beforeAll, describe, expect, it } from "vitest";
import * as forecastById from "@/app/api/v1/forecasts/[id]/route";
import * as forecasts from "@/app/api/v1/forecasts/route";
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
import * as sse from "@/app/api/v1/sse/route";
import { db } from "@/lib/db";
import { queueManager } from "@/lib/jobs/queue-manager";
import { createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { expectErrorShape, invoke, runsOf } from "./support";

let planner: TestUser;
let otherPlanner: TestUser;
let admin: TestUser;
let productId: string;

beforeAll(async () => {
  [planner, otherPlanner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("PLANNER"), createTestUser("ADMIN")]);
  productId = (await createTestProduct(0)).id;
});

const addJob = (user: TestUser, queueKey: string, body: unknown) =>
  invoke(jobs.POST, { method: "POST", path: `/api/v1/queues/${queueKey}/jobs`, params: { queueKey }, body, auth: { apiKey: user.apiKey } });

const exportJob = { name: "export", data: { entity: "products", format: "csv" } };

describe("unknown things answer 404", () => {
  const queueRoutes = [
    ["POST jobs", jobs.POST, "POST", { body: exportJob }],
    ["GET job", jobStatus.GET, "GET", { params: { jobId: "1" } }],
    ["POST retry", retry.POST, "POST", { params: { jobId: "1" } }],
    ["GET stats", stats.GET, "GET", {}],
    ["GET failed", failed.GET, "GET", {}],
    ["POST pause", pause.POST, "POST", {}],
    ["POST resume", resume.POST, "POST", {}],
    ["POST clean", clean.POST, "POST", { body: {} }],
  ] as const;

  it.each(queueRoutes)("%s on an unknown queue", async (_name, handler, method, extra) => {
    const params = { queueKey: "nope", ...("params" in extra ? extra.params : {}) };
    const response = await invoke(handler, { method, params, body: "body" in extra ? extra.body : undefined, auth: { apiKey: admin.apiKey } });
    expect(response.status).toBe(404);
    expectErrorShape(response.json, "not-found");
    expect(response.json.error.message).toContain('"nope"');
  });

  it("a job id nobody created", async () => {
    const response = await invoke(jobStatus.GET, { params: { queueKey: "forecast", jobId: "does-not-exist" }, auth: { apiKey: admin.apiKey } });
    expect(response.status).toBe(404);
    expectErrorShape(response.json, "not-found");
  });

  it("a job id longer than any we issue", async () => {
    const response = await invoke(jobStatus.GET, { params: { queueKey: "forecast", jobId: "x".repeat(201) }, auth: { apiKey: admin.apiKey } });
    expect(response.status).toBe(404);
  });

  it("retrying a job nobody created", async () => {
    const response = await invoke(retry.POST, { method: "POST", params: { queueKey: "forecast", jobId: "does-not-exist" }, auth: { apiKey: admin.apiKey } });
    expect(response.status).toBe(404);
    expectErrorShape(response.json, "not-found");
  });

  it.each([
    ["product", productById.GET],
    ["forecast", forecastById.GET],
  ])("an unknown %s", async (_name, handler) => {
    const response = await invoke(handler, { params: { id: "nope" }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(404);
    expectErrorShape(response.json, "not-found");
  });
});

describe("invalid bodies answer 422 with field paths", () => {
  it.each([
    ["horizon 0", { name: "f", data: { productId: "p", horizon: 0 } }, "body.data.horizon"],
    ["horizon missing", { name: "f", data: { productId: "p" } }, "body.data.horizon"],
    ["horizon not an integer", { name: "f", data: { productId: "p", horizon: 1.5 } }, "body.data.horizon"],
    ["horizon as a string", { name: "f", data: { productId: "p", horizon: "30" } }, "body.data.horizon"],
    ["unknown model", { name: "f", data: { productId: "p", horizon: 30, models: ["magic"] } }, "body.data.models"],
    ["no data", { name: "f" }, "body.data"],
    ["data not an object", { name: "f", data: [1, 2] }, "body.data"],
    ["no name", { data: { productId: "p", horizon: 30 } }, "body.name"],
    ["blank name", { name: "   ", data: { productId: "p", horizon: 30 } }, "body.name"],
    ["priority out of range", { name: "f", data: { productId: "p", horizon: 30 }, options: { priority: 11 } }, "body.options.priority"],
    ["negative delay", { name: "f", data: { productId: "p", horizon: 30 }, options: { delay: -1 } }, "body.options.delay"],
    ["unknown option", { name: "f", data: { productId: "p", horizon: 30 }, options: { attempts: 100 } }, "body.options"],
    ["a JSON array", [1, 2, 3], ""],
    ["a JSON string", "hello", ""],
    ["a JSON null", null, "body.name"],
  ])("POST /queues/forecast/jobs with %s", async (_label, body, path) => {
    const response = await addJob(planner, "forecast", body);
    expect(response.status, response.text).toBe(422);
    expectErrorShape(response.json, "unprocessable-entity");
    if (path) expect(response.json.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
    for (const detail of response.json.error.details) expect(detail).toEqual({ path: expect.any(String), message: expect.any(String) });
    expect(response.json.error.message).toMatch(/^Invalid/);
  });

  it("names the field in the message too", async () => {
    const response = await addJob(planner, "forecast", { name: "f", data: { productId: "p", horizon: 0 } });
    expect(response.json.error.message).toContain("body.data.horizon");
    expect(response.json.error.message).toContain("at least 1 day");
  });

  it.each([
    ["horizon 400", { productId: "p", horizon: 400 }, "body.horizon"],
    ["no productId", { horizon: 30 }, "body.productId"],
    ["priority 0", { productId: "p", horizon: 30, priority: 0 }, "body.priority"],
  ])("POST /forecasts with %s", async (_label, body, path) => {
    const response = await invoke(forecasts.POST, { method: "POST", body, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(422);
    expectErrorShape(response.json, "unprocessable-entity");
    expect(response.json.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
  });

  it("POST /forecasts for a product that does not exist", async () => {
    const response = await invoke(forecasts.POST, { method: "POST", body: { productId: "no-such-product", horizon: 30 }, auth: { apiKey: otherPlanner.apiKey } });
    expect(response.status).toBe(422);
    expectErrorShape(response.json, "unprocessable-entity");
    expect(response.json.error.details).toEqual([{ path: "body.productId", message: expect.any(String) }]);
    expect(await runsOf(otherPlanner.id)).toHaveLength(0);
  });

  it.each([
    ["grace below 0", { grace: -1 }, "body.grace"],
    ["limit 0", { limit: 0 }, "body.limit"],
    ["unknown state", { type: "active" }, "body.type"],
  ])("POST /queues/:queue/clean with %s", async (_label, body, path) => {
    const response = await invoke(clean.POST, { method: "POST", params: { queueKey: "forecast" }, body, auth: { apiKey: admin.apiKey } });
    expect(response.status).toBe(422);
    expect(response.json.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
  });
});

describe("unreadable JSON answers 400", () => {
  it.each([
    ["POST /queues/:queue/jobs", jobs.POST, { queueKey: "forecast" }],
    ["POST /queues/:queue/clean", clean.POST, { queueKey: "forecast" }],
    ["POST /forecasts", forecasts.POST, {}],
  ] as const)("%s", async (_name, handler, params) => {
    for (const rawBody of ["{", "{'a': 1}", "undefined", '{"name": "x",}']) {
      const response = await invoke(handler, { method: "POST", params, rawBody, auth: { apiKey: admin.apiKey } });
      expect(response.status, rawBody).toBe(400);
      expectErrorShape(response.json, "bad-request");
      expect(response.json.error.message).toMatch(/JSON/);
    }
  });
});

describe("invalid queries answer 422", () => {
  it.each([
    ["failed?start=5&end=1", failed.GET, { queueKey: "forecast" }, "query.end"],
    ["failed?start=-1", failed.GET, { queueKey: "forecast" }, "query.start"],
    ["failed?start=abc", failed.GET, { queueKey: "forecast" }, "query.start"],
    ["failed?start=0&end=5000", failed.GET, { queueKey: "forecast" }, "query.end"],
    ["products?limit=0", products.GET, {}, "query.limit"],
    ["products?limit=1000", products.GET, {}, "query.limit"],
    ["forecasts?limit=x", forecasts.GET, {}, "query.limit"],
    ["jobs?queue=nope", jobsList.GET, {}, "query.queue"],
    ["jobs?mine=yes", jobsList.GET, {}, "query.mine"],
    ["sse?all=maybe", sse.GET, {}, "query.all"],
  ] as const)("%s", async (path, handler, params, field) => {
    const response = await invoke(handler, { path: `/api/v1/${path}`, params, auth: { apiKey: admin.apiKey } });
    expect(response.status, response.text).toBe(422);
    expectErrorShape(response.json, "unprocessable-entity");
    expect(response.json.error.details.map((detail: { path: string }) => detail.path)).toContain(field);
  });

  it("products/:id?days=abc", async () => {
    const response = await invoke(productById.GET, { path: `/api/v1/products/${productId}?days=abc`, params: { id: productId }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(422);
    expect(response.json.error.details[0].path).toBe("query.days");
  });
});

describe("roles and ownership", () => {
  it.each([
    ["sync", () => ({ integrationId: "erp-1", dataTypes: ["orders"], force: false })],
    // The recipient must be an existing user.
    ["notification", () => ({ userId: planner.id, type: "EMAIL", title: "Hi", message: "Hello" })],
  ])("a planner may not enqueue %s jobs (403), an admin may", async (queueKey, dataOf) => {
    const data = dataOf();
    const before = (await runsOf(planner.id)).length;
    const refused = await addJob(planner, queueKey, { name: "x", data });
    expect(refused.status).toBe(403);
    expectErrorShape(refused.json, "forbidden");
    // Still 403, not 422, when the payload is also wrong: the role decides first.
    expect((await addJob(planner, queueKey, { name: "x", data: {} })).status).toBe(403);
    expect(await runsOf(planner.id)).toHaveLength(before);
    expect((await addJob(admin, queueKey, { name: "x", data })).status).toBe(201);
  });

  it("a planner cannot read or retry another planner's job (404, as if it did not exist)", async () => {
    const created = await addJob(otherPlanner, "export", exportJob);
    expect(created.status).toBe(201);
    const { jobId } = created.json;
    const read = await invoke(jobStatus.GET, { params: { queueKey: "export", jobId }, auth: { apiKey: planner.apiKey } });
    expect(read.status).toBe(404);
    expectErrorShape(read.json, "not-found");
    const retried = await invoke(retry.POST, { method: "POST", params: { queueKey: "export", jobId }, auth: { apiKey: planner.apiKey } });
    expect(retried.status).toBe(404);
    // The owner and an admin do see it.
    expect((await invoke(jobStatus.GET, { params: { queueKey: "export", jobId }, auth: { apiKey: otherPlanner.apiKey } })).status).toBe(200);
    expect((await invoke(jobStatus.GET, { params: { queueKey: "export", jobId }, auth: { apiKey: admin.apiKey } })).status).toBe(200);
  });

  it("a job looked up under the wrong queue is not found", async () => {
    const { json } = await addJob(planner, "export", exportJob);
    const response = await invoke(jobStatus.GET, { params: { queueKey: "analytics", jobId: json.jobId }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(404);
  });

  it("retrying a job that has not failed is a conflict (409)", async () => {
    const { json } = await addJob(planner, "export", exportJob);
    const response = await invoke(retry.POST, { method: "POST", params: { queueKey: "export", jobId: json.jobId }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(409);
    expectErrorShape(response.json, "conflict");
    expect(response.json.error.message).toContain("waiting");
  });

  it("a planner's GET /jobs lists only their own runs; an admin's lists everyone's", async () => {
    const mine = await invoke(jobsList.GET, { path: "/api/v1/jobs?limit=100", auth: { apiKey: planner.apiKey } });
    expect(mine.status).toBe(200);
    expect(mine.json.jobs.length).toBeGreaterThan(0);
    expect(mine.json.jobs.every((job: { ownerId: string }) => job.ownerId === planner.id)).toBe(true);
    // Other test files share the database, so check for these users' runs rather than an exact set.
    const all = await invoke(jobsList.GET, { path: "/api/v1/jobs?limit=100", auth: { apiKey: admin.apiKey } });
    const owners = new Set(all.json.jobs.map((job: { ownerId: string }) => job.ownerId));
    for (const user of [planner, otherPlanner, admin]) expect(owners.has(user.id)).toBe(true);
    const adminOwn = await invoke(jobsList.GET, { path: "/api/v1/jobs?limit=100&mine=1", auth: { apiKey: admin.apiKey } });
    expect(adminOwn.json.jobs.length).toBeGreaterThan(0);
    expect(adminOwn.json.jobs.every((job: { ownerId: string }) => job.ownerId === admin.id)).toBe(true);
  });
});

describe("the owner comes from the caller, never from the body", () => {
  it("POST /queues/:queue/jobs ignores data.ownerId", async () => {
    const response = await addJob(planner, "export", { name: "spoof", data: { entity: "products", format: "csv", ownerId: otherPlanner.id } });
    expect(response.status).toBe(201);
    const run = await db().jobRun.findUnique({ where: { id: response.json.jobId } });
    expect(run?.ownerId).toBe(planner.id);
    expect(run?.data).not.toHaveProperty("ownerId");
    const job = await queueManager().getJob("export", response.json.jobId);
    expect(job?.data.ownerId).toBe(planner.id);
    // And the spoofed owner cannot see it.
    const read = await invoke(jobStatus.GET, { params: { queueKey: "export", jobId: response.json.jobId }, auth: { apiKey: otherPlanner.apiKey } });
    expect(read.status).toBe(404);
  });

  it("POST /forecasts ignores ownerId at the top level", async () => {
    const response = await invoke(forecasts.POST, {
      method: "POST",
      // userId may name the caller only (tests/api/contracts.int.test.ts covers naming someone else).
      body: { productId, horizon: 14, ownerId: otherPlanner.id, userId: planner.id },
      auth: { apiKey: planner.apiKey },
    });
    expect(response.status).toBe(201);
    const run = await db().jobRun.findUnique({ where: { id: response.json.jobId } });
    expect(run).toMatchObject({ ownerId: planner.id, queue: "forecast", businessKey: productId });
    expect((await queueManager().getJob("forecast", response.json.jobId))?.data.ownerId).toBe(planner.id);
  });

  it("a session cookie sets the owner just like an API key", async () => {
    const response = await invoke(jobs.POST, {
      method: "POST",
      params: { queueKey: "export" },
      body: { name: "cookie", data: { entity: "sales", format: "json", ownerId: admin.id } },
      auth: { cookie: planner.cookie },
      headers: { origin: "http://localhost:3000" },
    });
    expect(response.status).toBe(201);
    expect((await db().jobRun.findUnique({ where: { id: response.json.jobId } }))?.ownerId).toBe(planner.id);
  });
});

describe("bad input never causes a 500", () => {
  const bodies: unknown[] = [
    {},
    { name: 1 },
    { name: "x", data: null },
    { name: "x", data: { productId: { $ne: null }, horizon: 30 } },
    { name: "x".repeat(10_000), data: {} },
    { name: "x", data: { productId: "p", horizon: 1e308 } },
    { name: "x", data: { productId: "p", horizon: 30 }, options: null },
    { name: "x", data: { productId: "p", horizon: 30 }, options: { priority: "1" } },
    { __proto__: { admin: true }, name: "x", data: {} },
  ];

  it.each(bodies.map((body) => [JSON.stringify(body).slice(0, 60), body]))("POST forecast job %s", async (_label, body) => {
    const response = await addJob(planner, "forecast", body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expectErrorShape(response.json, response.json.error.code);
  });

  it.each([
    { productId: "x".repeat(5_000), horizon: 30 },
    { productId: 42, horizon: 30 },
  ])("POST /forecasts %#", async (body) => {
    const response = await invoke(forecasts.POST, { method: "POST", body, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expectErrorShape(response.json, response.json.error.code);
  });

  it.each(["%00", "x".repeat(200), "' or 1=1 --"])("GET /products/:id with %j", async (id) => {
    const response = await invoke(productById.GET, { params: { id }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(404);
  });

  it("GET /products?search= with a long term", async () => {
    const response = await invoke(products.GET, { path: `/api/v1/products?search=${"a".repeat(100)}`, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(200);
  });

  it("a deeply nested payload is refused, not crashed on", async () => {
    const deep = `${"[".repeat(50_000)}"\\u0000"${"]".repeat(50_000)}`;
    const response = await invoke(jobs.POST, {
      method: "POST",
      params: { queueKey: "export" },
      rawBody: `{"name":"deep","data":{"entity":"products","format":"csv","extra":${deep}}}`,
      auth: { apiKey: planner.apiKey },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});

// PostgreSQL cannot store U+0000 in text or jsonb; without a check these reached the database and
// came back as 500s.
describe("NUL characters are refused with the field named", () => {
  it("in job data", async () => {
    const response = await addJob(planner, "forecast", { name: "x", data: { productId: "a\u0000b", horizon: 30 } });
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([{ path: "body.data.productId", message: "must not contain NUL characters" }]);
  });

  it("in the job name (a ledger column)", async () => {
    const response = await addJob(planner, "export", { name: "x\u0000", data: { entity: "products", format: "csv" } });
    expect(response.status).toBe(422);
    expect(response.json.error.details[0].path).toBe("body.name");
  });

  it("anywhere in the raw input, even in a field the payload schema would drop", async () => {
    const response = await addJob(planner, "export", { name: "x", data: { entity: "products", format: "csv", note: "\u0000" } });
    expect(response.status).toBe(422);
    expect(response.json.error.details[0].path).toBe("body.data.note");
  });

  it("in a key", async () => {
    const response = await addJob(planner, "export", { name: "x", data: { entity: "products", format: "csv", "a\u0000": 1 } });
    expect(response.status).toBe(422);
  });

  it("in the forecasts body", async () => {
    const response = await invoke(forecasts.POST, { method: "POST", body: { productId: "\u0000", horizon: 30 }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(422);
    expect(response.json.error.details[0].path).toBe("body.productId");
  });

  it("in a query", async () => {
    const response = await invoke(products.GET, { path: "/api/v1/products?search=%00", auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(422);
    expect(response.json.error.details[0].path).toBe("query.search");
  });

  it("in a path parameter (no such thing can exist: 404)", async () => {
    const response = await invoke(productById.GET, { params: { id: "\u0000" }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(404);
    expectErrorShape(response.json, "not-found");
  });
});
