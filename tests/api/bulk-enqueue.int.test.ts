import { beforeAll, describe, expect, it } from "vitest";
import * as bulk from "@/app/api/v1/queues/[queueKey]/jobs/bulk/route";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { queueManager } from "@/lib/jobs/queue-manager";
import { bucketStarts, FIELD, metricsKey } from "@/lib/metrics/buckets";
import { sharedRedis } from "@/lib/redis";
import { createTestOrganization, createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { expectErrorShape, invoke, SAME_ORIGIN } from "./support";

let planner: TestUser;
let admin: TestUser;
let outsider: TestUser;
let products: { id: string; organizationId: string }[];
let foreignProduct: { id: string; organizationId: string };
let otherOrganization: { id: string };

beforeAll(async () => {
  otherOrganization = await createTestOrganization("Bulk other");
  [planner, admin, outsider] = await Promise.all([
    createTestUser("PLANNER"),
    createTestUser("ADMIN"),
    createTestUser("PLANNER", { organizationId: otherOrganization.id }),
  ]);
  products = await Promise.all([1, 2, 3].map((seed) => createTestProduct(0, seed)));
  foreignProduct = await createTestProduct(0, 4, { organizationId: otherOrganization.id });
});

const forecast = (productId: string, extra: Record<string, unknown> = {}) => ({ name: "bulk-forecast", data: { productId, horizon: 14, ...extra } });

function send(user: TestUser | null, body: unknown, { queueKey = "forecast", via = "api-key", headers = {} }: { queueKey?: string; via?: "api-key" | "cookie"; headers?: Record<string, string> } = {}) {
  const auth = user === null ? undefined : via === "api-key" ? { apiKey: user.apiKey } : { cookie: user.cookie };
  return invoke(bulk.POST, { method: "POST", path: `/api/v1/queues/${queueKey}/jobs/bulk`, params: { queueKey }, body, auth, headers: via === "cookie" ? { ...SAME_ORIGIN, ...headers } : headers });
}

/** "Jobs in" of the forecast queue over the last two hour buckets (so a boundary in between cannot lose any). */
async function jobsIn(): Promise<number> {
  const values = await Promise.all(
    bucketStarts(Date.now(), "hour", 2).map((start) => sharedRedis().hget(metricsKey(env().REDIS_PREFIX, "forecast", "hour", start), FIELD.added)),
  );
  return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
}

async function runsOfOwner(ownerId: string, name?: string) {
  return db().jobRun.findMany({ where: { ownerId, name }, orderBy: { createdAt: "asc" } });
}

describe("POST /api/v1/queues/:queueKey/jobs/bulk", () => {
  it("adds every job with one ledger row each, in one INSERT and one addBulk, under the same ids", async () => {
    const jobs = Array.from({ length: 30 }, (_, index) => forecast(products[index % 3]!.id, { horizon: 1 + index }));
    const jobsInBefore = await jobsIn();
    const response = await send(planner, { jobs }, { via: "cookie" });
    expect(response.status, response.text).toBe(201);
    expect(response.json).toMatchObject({ queue: "forecast", count: 30, deduplicated: false });
    const ids: string[] = response.json.jobs.map((job: { jobId: string }) => job.jobId);
    expect(new Set(ids).size).toBe(30);
    expect(response.json.jobs.every((job: { state: string; deduplicated: boolean; name: string }) => job.state === "waiting" && !job.deduplicated && job.name === "bulk-forecast")).toBe(true);

    const rows = await db().jobRun.findMany({ where: { id: { in: ids } } });
    expect(rows).toHaveLength(30);
    for (const row of rows) expect(row).toMatchObject({ queue: "forecast", ownerId: planner.id, organizationId: planner.organizationId, state: "WAITING" });
    // Request order is kept: job i is the i-th job sent.
    for (const [index, id] of ids.entries()) {
      const job = await queueManager().getJob("forecast", id);
      expect(job, `job ${index} in Redis`).toBeDefined();
      expect(job!.data).toMatchObject({ productId: products[index % 3]!.id, horizon: 1 + index, ownerId: planner.id, organizationId: planner.organizationId });
      expect(rows.find((row) => row.id === id)!.businessKey).toBe(products[index % 3]!.id);
    }
    // "Jobs in" counts each job once.
    expect((await jobsIn()) - jobsInBefore).toBe(30);
  });

  it("takes delay and priority per job", async () => {
    const response = await send(planner, { jobs: [{ ...forecast(products[0]!.id), options: { delay: 60_000, priority: 2 } }, forecast(products[1]!.id)] });
    expect(response.status, response.text).toBe(201);
    expect(response.json.jobs.map((job: { state: string }) => job.state)).toEqual(["delayed", "waiting"]);
    const delayed = await queueManager().getJob("forecast", response.json.jobs[0].jobId);
    expect(delayed!.opts).toMatchObject({ delay: 60_000, priority: 2 });
    expect((await db().jobRun.findUnique({ where: { id: response.json.jobs[0].jobId } }))!.state).toBe("DELAYED");
  });

  it("names every invalid job by its index and adds none of them", async () => {
    const before = (await runsOfOwner(planner.id)).length;
    const waitingBefore = (await queueManager().stats("forecast")).waiting;
    const jobs = [
      forecast(products[0]!.id),
      forecast("no-such-product"),
      forecast(products[1]!.id, { horizon: 0 }),
      { name: "", data: { productId: products[2]!.id, horizon: 7 } },
      forecast(foreignProduct.id),
      forecast(products[2]!.id),
    ];
    const response = await send(planner, { jobs });
    expect(response.status, response.text).toBe(422);
    expectErrorShape(response.json, "unprocessable-entity");
    // The envelope (name, options) is checked first, then the data of every job.
    expect(response.json.error.details).toEqual([{ path: "body.jobs[3].name", message: "name is required" }]);

    const fixed = jobs.map((job, index) => (index === 3 ? forecast(products[2]!.id) : job));
    const data = await send(planner, { jobs: fixed });
    expect(data.status, data.text).toBe(422);
    expect(data.json.error.details).toEqual([
      { path: "body.jobs[1].data.productId", message: 'no product with id "no-such-product"' },
      { path: "body.jobs[2].data.horizon", message: "horizon must be at least 1 day" },
      // Another organisation's product is as unknown to a planner as one that does not exist.
      { path: "body.jobs[4].data.productId", message: `no product with id "${foreignProduct.id}"` },
    ]);
    expect(data.json.error.message).toBe('Invalid job data — body.jobs[1].data.productId: no product with id "no-such-product" (3 jobs are invalid; nothing was added)');
    expect(await runsOfOwner(planner.id)).toHaveLength(before);
    expect((await queueManager().stats("forecast")).waiting).toBe(waitingBefore);
  });

  it("an admin's jobs about several organisations' products each work for their product's organisation", async () => {
    const response = await send(admin, { jobs: [forecast(products[0]!.id), forecast(foreignProduct.id)] });
    expect(response.status, response.text).toBe(201);
    const [own, foreign] = response.json.jobs.map((job: { jobId: string }) => job.jobId);
    expect((await db().jobRun.findUnique({ where: { id: own } }))!.organizationId).toBe(admin.organizationId);
    expect((await db().jobRun.findUnique({ where: { id: foreign } }))!.organizationId).toBe(otherOrganization.id);
    expect((await queueManager().getJob("forecast", foreign))!.data.organizationId).toBe(otherOrganization.id);
  });

  it("has the single endpoint's auth, CSRF and role rules", async () => {
    const body = { jobs: [forecast(products[0]!.id)] };
    const anonymous = await send(null, body);
    expect(anonymous.status).toBe(401);
    const crossSite = await invoke(bulk.POST, {
      method: "POST",
      params: { queueKey: "forecast" },
      body,
      auth: { cookie: planner.cookie },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    // sync is for admins only; the refusal names the queue's rule, not a job.
    const sync = await send(planner, { jobs: [{ name: "s", data: { integrationId: "shop-1" } }] }, { queueKey: "sync" });
    expect(sync.status).toBe(403);
    expect(sync.json.error.message).toMatch(/may not enqueue integration sync jobs/);
    // A job naming another user is refused for the whole launch, naming the job.
    const asOther = await send(planner, { jobs: [forecast(products[0]!.id), forecast(products[1]!.id, { userId: outsider.id })] });
    expect(asOther.status).toBe(403);
    expect(asOther.json.error.message).toMatch(/^jobs\[1\]: userId must be your own user id/);
    const unknownQueue = await send(planner, body, { queueKey: "nope" });
    expect(unknownQueue.status).toBe(404);
    expect(await runsOfOwner(planner.id, "bulk-forecast").then((rows) => rows.some((row) => row.data && (row.data as { userId?: string }).userId === outsider.id))).toBe(false);
  });

  it("takes 10,000 jobs in one request and refuses 10,001", async () => {
    const jobs = Array.from({ length: 10_000 }, (_, index) => ({ name: "ten-thousand", data: { productId: products[index % 3]!.id, horizon: 7 } }));
    const response = await send(admin, { jobs });
    expect(response.status, response.text.slice(0, 300)).toBe(201);
    expect(response.json.count).toBe(10_000);
    expect(await db().jobRun.count({ where: { name: "ten-thousand" } })).toBe(10_000);
    const held = await queueManager().existingJobIds("forecast", response.json.jobs.map((job: { jobId: string }) => job.jobId));
    expect(held.size).toBe(10_000);

    const tooMany = await send(admin, { jobs: [...jobs, jobs[0]] });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.error.details).toEqual([{ path: "body.jobs", message: "at most 10,000 jobs per request" }]);
    expect((await send(admin, { jobs: [] })).json.error.details).toEqual([{ path: "body.jobs", message: "send at least one job" }]);
  }, 120_000);

  it("reads bodies past API_MAX_BODY_BYTES up to its own cap, API_BULK_MAX_BODY_BYTES, and answers 413 beyond", async () => {
    const single = env().API_MAX_BODY_BYTES;
    const limit = env().API_BULK_MAX_BODY_BYTES;
    expect(limit).toBeGreaterThan(single);
    // Padded with spaces: valid JSON, larger than the single endpoint accepts.
    const large = JSON.stringify({ jobs: [forecast(products[0]!.id)] }).replace("{", `{${" ".repeat(single + 1)}`);
    const accepted = await invoke(bulk.POST, { method: "POST", params: { queueKey: "forecast" }, rawBody: large, auth: { apiKey: planner.apiKey } });
    expect(accepted.status, accepted.text.slice(0, 200)).toBe(201);
    const oversize = `{"jobs":[${" ".repeat(limit)}]}`;
    const refused = await invoke(bulk.POST, { method: "POST", params: { queueKey: "forecast" }, rawBody: oversize, auth: { apiKey: planner.apiKey } });
    expect(refused.status).toBe(413);
    expect(refused.json.error.message).toContain("16 MiB");
  });

  it("an idempotency key makes a repeat answer with the first launch's jobs, as on the single endpoint", async () => {
    const jobs = [forecast(products[0]!.id), forecast(products[1]!.id)];
    const first = await send(planner, { jobs }, { headers: { "idempotency-key": "bulk-key-1" } });
    expect(first.status, first.text).toBe(201);
    const again = await send(planner, { jobs, idempotencyKey: "bulk-key-1" });
    expect(again.status, again.text).toBe(200);
    expect(again.json.deduplicated).toBe(true);
    expect(again.json.jobs.map((job: { jobId: string }) => job.jobId)).toEqual(first.json.jobs.map((job: { jobId: string }) => job.jobId));
    expect(again.json.jobs.every((job: { deduplicated: boolean; state: string }) => job.deduplicated && job.state === "waiting")).toBe(true);
    expect(await db().jobRun.count({ where: { id: { in: first.json.jobs.map((job: { jobId: string }) => job.jobId) } } })).toBe(2);

    const different = await send(planner, { jobs: [forecast(products[2]!.id)] }, { headers: { "idempotency-key": "bulk-key-1" } });
    expect(different.status).toBe(422);
    expect(different.json.error.details).toEqual([{ path: "headers.idempotency-key", message: "already used for another request" }]);
    // Another user's same key is theirs alone.
    const otherUser = await send(admin, { jobs }, { headers: { "idempotency-key": "bulk-key-1" } });
    expect(otherUser.status).toBe(201);
  });
});
