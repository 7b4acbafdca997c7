import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { realpathSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as forecasts from "@/app/api/v1/forecasts/route";
import * as duplicate from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/duplicate/route";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import { db } from "@/lib/db";
import { catalog, QUEUE_KEYS, type QueueKey } from "@/lib/jobs/catalog";
import { queueManager } from "@/lib/jobs/queue-manager";
import { listRunEvents } from "@/lib/jobs/run-events";
import { processors } from "@/worker/processors";
import { documentedResult, DOCUMENTED_DATA } from "../helpers/documented-jobs";
import { DEFAULT_TEST_ORGANIZATION, createDocumentedProduct, createTestOrganization, createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { expectErrorShape, invoke } from "./support";

/**
 * The documented job contracts, through the API: each queue accepts its job data exactly as the
 * platform's documentation writes it, refuses wrong shapes naming the field, and (for the forecast,
 * the queue with a processor) returns the documented result fields. Plus the rules about who a
 * job's data may name, idempotency keys and deduplication.
 */
const UPLOAD_DIR = vi.hoisted(() => {
  const dir = `/tmp/capliquify-contract-uploads-${process.pid}`;
  process.env.UPLOAD_DIR = dir;
  return dir;
});

let planner: TestUser;
let otherPlanner: TestUser;
let admin: TestUser;
/** A planner of another organisation, and that organisation. */
let outsider: TestUser;
let otherOrganization: { id: string };
let product: { id: string; sku: string };
const OWN_UPLOADS = path.join(UPLOAD_DIR, DEFAULT_TEST_ORGANIZATION);

beforeAll(async () => {
  otherOrganization = await createTestOrganization("Contracts elsewhere");
  [planner, otherPlanner, admin, outsider] = await Promise.all([
    createTestUser("PLANNER"),
    createTestUser("PLANNER"),
    createTestUser("ADMIN"),
    createTestUser("PLANNER", { organizationId: otherOrganization.id }),
  ]);
  product = await createTestProduct(730);
  // The documented data names product "p-1": enqueueing checks that it exists.
  await createDocumentedProduct();
  // Each organisation's uploads live in a folder of its own; the planner's is the default test organisation's.
  mkdirSync(path.join(OWN_UPLOADS, "batch"), { recursive: true });
  writeFileSync(path.join(OWN_UPLOADS, "products.csv"), "sku,name\nA-1,Anchor\n");
  writeFileSync(path.join(OWN_UPLOADS, "batch", "sales.csv"), "sku,date,quantity\n");
  mkdirSync(path.join(UPLOAD_DIR, otherOrganization.id), { recursive: true });
  writeFileSync(path.join(UPLOAD_DIR, otherOrganization.id, "theirs.csv"), "sku,name\nB-1,Bolt\n");
  writeFileSync(`${UPLOAD_DIR}-outside.csv`, "secret\n");
  symlinkSync(`${UPLOAD_DIR}-outside.csv`, path.join(OWN_UPLOADS, "link.csv"));
});

afterAll(() => {
  rmSync(UPLOAD_DIR, { recursive: true, force: true });
  rmSync(`${UPLOAD_DIR}-outside.csv`, { force: true });
});

const launch = (user: TestUser, queueKey: string, body: unknown, headers?: Record<string, string>) =>
  invoke(jobs.POST, { method: "POST", path: `/api/v1/queues/${queueKey}/jobs`, params: { queueKey }, body, auth: { apiKey: user.apiKey }, headers });

const launchForecast = (user: TestUser, body: unknown, headers?: Record<string, string>) =>
  invoke(forecasts.POST, { method: "POST", path: "/api/v1/forecasts", body, auth: { apiKey: user.apiKey }, headers });

const runOf = (id: string) => db().jobRun.findUnique({ where: { id } });
const duplicateAsAdmin = (queueKey: QueueKey, jobId: string) =>
  invoke(duplicate.POST, { method: "POST", params: { queueKey, jobId }, body: {}, auth: { apiKey: admin.apiKey } });
const detailPaths = (json: any): string[] => json.error.details.map((detail: { path: string }) => detail.path);

/** Who launches each queue in these tests: a planner where planners may, else the admin. */
const launcher = (key: QueueKey) => (catalog[key].enqueueRoles.includes("PLANNER") ? planner : admin);

/** The documented data, with ids that must exist (a notification's recipient) made real. */
function documentedData(key: QueueKey): Record<string, unknown> {
  const data = structuredClone(DOCUMENTED_DATA[key]) as Record<string, unknown>;
  if (key === "notification") data.userId = planner.id;
  return data;
}

/** What the ledger keeps of the documented data: the same fields, with the schema's defaults applied. */
function storedData(key: QueueKey, user: TestUser): unknown {
  const data = documentedData(key);
  const defaults: Record<QueueKey, unknown> = {
    forecast: data,
    optimization: data,
    sync: data,
    import: { ...data, mode: "all-or-nothing", dryRun: false },
    export: data,
    notification: data,
    analytics: {
      ...data,
      params: {
        ...(data.params as object),
        organizationId: user.organizationId,
        averageInventory: "daily-snapshots",
        abcBasis: "revenue",
        abcCutoffs: { a: 0.8, b: 0.95 },
        xyzThresholds: { x: 0.5, y: 1 },
        xyzPeriodDays: 7,
        trackingSignalLimit: 4,
      },
    },
  };
  return defaults[key];
}

describe("each queue accepts its documented job data", () => {
  it.each(QUEUE_KEYS)("%s", async (key) => {
    const user = launcher(key);
    const response = await launch(user, key, { name: `documented-${key}`, data: documentedData(key) });
    expect(response.status, response.text).toBe(201);
    expect(response.json).toEqual({ jobId: expect.any(String), queue: key, name: `documented-${key}`, state: "waiting", deduplicated: false });

    const run = await runOf(response.json.jobId);
    expect(run).toMatchObject({ queue: key, name: `documented-${key}`, state: "WAITING", ownerId: user.id, organizationId: user.organizationId });
    expect(run!.data).toEqual(storedData(key, user));
    // The worker gets the same data, with the owner and the organisation beside it.
    const job = await queueManager().getJob(key, response.json.jobId);
    expect(job!.data).toEqual({ ...(storedData(key, user) as object), ownerId: user.id, organizationId: user.organizationId });
    expect(catalog[key].payload.safeParse(run!.data).success).toBe(true);
  });

  it("the forecast endpoint takes the documented forecast data as its body and names the job after the SKU", async () => {
    const response = await launchForecast(planner, { productId: product.id, horizon: 30, models: ["all"] });
    expect(response.status, response.text).toBe(201);
    expect(response.json).toEqual({ jobId: expect.any(String), queue: "forecast", state: "waiting", productId: product.id, deduplicated: false });
    const run = await runOf(response.json.jobId);
    expect(run).toMatchObject({ name: `forecast:${product.sku}`, ownerId: planner.id, businessKey: product.id, data: { productId: product.id, horizon: 30, models: ["all"] } });
  });
});

describe("wrong shapes answer 422 naming the field", () => {
  const cases: [QueueKey, string, unknown, string][] = [
    ["forecast", "horizon 0", { productId: "p", horizon: 0 }, "body.data.horizon"],
    ["forecast", "an unknown model", { productId: "p", horizon: 30, models: ["arima"] }, "body.data.models"],
    ["forecast", "the old { product, days } shape", { product: "p", days: 30 }, "body.data.productId"],
    ["optimization", "a negative ordering cost", { productId: "p", constraints: { orderingCost: -1 } }, "body.data.constraints.orderingCost"],
    ["optimization", "an unknown constraint", { productId: "p", constraints: { budget: 10 } }, "body.data.constraints"],
    ["optimization", "both service level forms", { productId: "p", constraints: { serviceLevel: 0.95, serviceLevelZ: 1.65 } }, "body.data.constraints"],
    ["sync", "an unknown data type", { integrationId: "erp", dataTypes: ["products"], force: false }, "body.data.dataTypes.0"],
    ["sync", "force as a string", { integrationId: "erp", dataTypes: ["orders"], force: "yes" }, "body.data.force"],
    ["sync", "the old { direction, entities } shape", { direction: "pull", entities: ["products"] }, "body.data.integrationId"],
    ["import", "neither uploadId nor filePath", { entityType: "products" }, "body.data.uploadId"],
    ["import", "an unknown entity type", { uploadId: "u-1", entityType: "widgets" }, "body.data.entityType"],
    ["import", "the old { kind } shape", { uploadId: "u-1", kind: "products" }, "body.data.entityType"],
    ["export", "an unknown format", { entity: "products", format: "docx" }, "body.data.format"],
    ["export", "an unknown filter", { entity: "products", format: "csv", filters: { colour: "red" } }, "body.data.filters"],
    ["export", "the old { kind } shape", { kind: "products", format: "csv" }, "body.data.entity"],
    ["notification", "an unknown type", { userId: "u", type: "FAX", title: "t", message: "m" }, "body.data.type"],
    ["notification", "a blank title", { userId: "u", type: "EMAIL", title: " ", message: "m" }, "body.data.title"],
    ["notification", "the old { channel, recipient } shape", { channel: "email", recipient: "a@b.c", subject: "s", body: "b" }, "body.data.userId"],
    ["analytics", "an unknown report", { type: "churn", params: { startDate: "2026-01-01", endDate: "2026-02-01" } }, "body.data.type"],
    ["analytics", "a date that does not exist", { type: "abc-analysis", params: { startDate: "2026-13-01", endDate: "2026-12-31" } }, "body.data.params.startDate"],
    ["analytics", "a period ending before it starts", { type: "abc-analysis", params: { startDate: "2026-06-01", endDate: "2026-01-01" } }, "body.data.params.endDate"],
    ["analytics", "the old { report, from, to } shape", { report: "inventory-turnover", from: "2026-01-01", to: "2026-06-30" }, "body.data.type"],
  ];

  it.each(cases)("%s: %s", async (key, _label, data, field) => {
    const user = launcher(key);
    const before = await db().jobRun.count({ where: { ownerId: user.id } });
    const response = await launch(user, key, { name: "wrong", data });
    expect(response.status, response.text).toBe(422);
    expectErrorShape(response.json, "unprocessable-entity");
    expect(detailPaths(response.json)).toContain(field);
    expect(response.json.error.message).toContain(field);
    expect(await db().jobRun.count({ where: { ownerId: user.id } })).toBe(before);
  });

  it("the forecast endpoint names the field at the top of the body", async () => {
    const response = await launchForecast(planner, { productId: product.id, horizon: 30, models: ["all", "ma"] });
    expect(response.status).toBe(422);
    expect(detailPaths(response.json)).toContain("body.models");
  });
});

describe("the forecast returns the documented result", () => {
  it("through both endpoints: accuracy a number, predictions the count of points", async () => {
    const worker = await startTestWorker(["forecast"], processors);
    try {
      const generic = await launch(planner, "forecast", { name: "documented-result", data: { productId: product.id, horizon: 30, models: ["all"] } });
      const domain = await launchForecast(planner, { productId: product.id, horizon: 14, models: ["ma", "exp"] });
      expect([generic.status, domain.status]).toEqual([201, 201]);
      for (const [jobId, horizon] of [[generic.json.jobId, 30], [domain.json.jobId, 14]] as const) {
        const run = await waitFor(async () => {
          const found = await runOf(jobId);
          return found?.state === "COMPLETED" || found?.state === "FAILED" ? found : null;
        }, 30_000);
        expect(run.state, run.failedReason ?? "").toBe("COMPLETED");
        const result = run.result as Record<string, unknown>;
        expect(result).toMatchObject({ success: true, forecastId: expect.any(String), productId: product.id, horizon });
        expect(typeof result.accuracy).toBe("number");
        expect(Number.isFinite(result.accuracy)).toBe(true);
        expect(Number.isInteger(result.predictions)).toBe(true);
        expect(result.predictions).toBe(horizon);
        // The points themselves are in the forecast record.
        const points = await db().forecastPoint.count({ where: { forecastId: result.forecastId as string } });
        expect(points).toBe(horizon);
        expect(catalog.forecast.result.safeParse(result).success).toBe(true);
      }
    } finally {
      await worker.stop(5_000);
    }
  });
});

describe("an import's filePath must be an uploaded file", () => {
  const importing = (filePath: string) => launch(planner, "import", { name: "import-file", data: { filePath, entityType: "products" } });

  it.each([
    ["an absolute path inside the organisation's upload directory", () => path.join(OWN_UPLOADS, "products.csv"), "products.csv"],
    ["a path relative to the upload directory", () => "batch/sales.csv", "batch/sales.csv"],
  ])("accepts %s, stored as its real path", async (_label, filePath, relative) => {
    const response = await importing(filePath());
    expect(response.status, response.text).toBe(201);
    const run = await runOf(response.json.jobId);
    expect((run!.data as { filePath: string }).filePath).toBe(path.join(realpathSync(OWN_UPLOADS), relative));
  });

  it.each([
    ["a file outside it", () => "/etc/passwd"],
    ["a way out with ..", () => `../../${path.basename(UPLOAD_DIR)}-outside.csv`],
    ["another organisation's upload, by a relative path", () => `../${otherOrganization.id}/theirs.csv`],
    ["another organisation's upload, by its absolute path", () => path.join(UPLOAD_DIR, otherOrganization.id, "theirs.csv")],
    ["a symlink inside that leads out", () => "link.csv"],
    ["a directory", () => "batch"],
    ["the directory itself", () => OWN_UPLOADS],
    ["a file that does not exist", () => "missing.csv"],
  ])("refuses %s", async (_label, filePath) => {
    const before = await db().jobRun.count({ where: { ownerId: planner.id, queue: "import" } });
    const response = await importing(filePath());
    expect(response.status, response.text).toBe(422);
    expect(response.json.error.details).toEqual([{ path: "body.data.filePath", message: "upload the file first (POST /api/v1/uploads) and pass its uploadId" }]);
    expect(await db().jobRun.count({ where: { ownerId: planner.id, queue: "import" } })).toBe(before);
  });
});

describe("userId in the data", () => {
  const exportAs = (user: TestUser, extra: Record<string, unknown>) => launch(user, "export", { name: "export-as", data: { entity: "products", format: "csv", ...extra } });

  it("a planner may name only themselves (403 otherwise); the owner is always the caller", async () => {
    const refused = await exportAs(planner, { userId: otherPlanner.id });
    expect(refused.status).toBe(403);
    expectErrorShape(refused.json, "forbidden");
    expect(refused.json.error.message).toMatch(/userId must be your own user id/);
    const forecast = await launchForecast(planner, { productId: product.id, horizon: 7, userId: otherPlanner.id });
    expect(forecast.status).toBe(403);

    const accepted = await exportAs(planner, { userId: planner.id });
    expect(accepted.status).toBe(201);
    expect(await runOf(accepted.json.jobId)).toMatchObject({ ownerId: planner.id, data: { userId: planner.id } });
  });

  it("an admin may name a user of the organisation, not one of another", async () => {
    const accepted = await exportAs(admin, { userId: planner.id });
    expect(accepted.status, accepted.text).toBe(201);
    expect(await runOf(accepted.json.jobId)).toMatchObject({ ownerId: admin.id, organizationId: admin.organizationId, data: { userId: planner.id } });

    for (const userId of [outsider.id, "no-such-user"]) {
      const refused = await exportAs(admin, { userId });
      expect(refused.status).toBe(422);
      expect(refused.json.error.details).toEqual([{ path: "body.data.userId", message: "no such user in the organisation" }]);
    }
  });

  it("a notification's userId is its recipient: any existing user, whose organisation the run works for", async () => {
    const data = { type: "IN_APP", title: "Stock low", message: "Reorder anchors", data: {} };
    const response = await launch(admin, "notification", { name: "notify", data: { ...data, userId: outsider.id } });
    expect(response.status, response.text).toBe(201);
    expect(await runOf(response.json.jobId)).toMatchObject({ ownerId: admin.id, organizationId: otherOrganization.id, businessKey: outsider.id });
    expect((await queueManager().getJob("notification", response.json.jobId))!.data.organizationId).toBe(otherOrganization.id);

    const unknown = await launch(admin, "notification", { name: "notify", data: { ...data, userId: "no-such-user" } });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.details).toEqual([{ path: "body.data.userId", message: "no such user" }]);
  });
});

describe("organizationId in the data", () => {
  const period = { startDate: "2026-02-01", endDate: "2026-02-28" };
  const analytics = (user: TestUser, params: Record<string, unknown>, name = "org-report") =>
    launch(user, "analytics", { name, data: { type: "stockout-rate", params: { ...period, ...params } } });

  it("a planner may name only their own organisation (403 otherwise)", async () => {
    const refused = await analytics(planner, { organizationId: otherOrganization.id });
    expect(refused.status).toBe(403);
    expectErrorShape(refused.json, "forbidden");
    expect(refused.json.error.message).toContain("params.organizationId must be your own organisation");
    // A top-level organizationId, on any queue, is the same claim.
    expect((await launch(planner, "export", { name: "x", data: { entity: "sales", format: "json", organizationId: otherOrganization.id } })).status).toBe(403);
    expect((await launchForecast(planner, { productId: product.id, horizon: 7, organizationId: otherOrganization.id })).status).toBe(403);

    const own = await analytics(planner, { organizationId: planner.organizationId }, "own-org-report");
    expect(own.status, own.text).toBe(201);
    expect(await runOf(own.json.jobId)).toMatchObject({ organizationId: planner.organizationId });
  });

  it("naming an organisation does not let a run take another organisation's product", async () => {
    const theirs = await createTestProduct(30, 3, { organizationId: otherOrganization.id });
    // A planner naming their own organisation gains nothing: the product is still unknown to them.
    const planners = await launch(planner, "optimization", { name: "x", data: { productId: theirs.id, organizationId: planner.organizationId } });
    expect(planners.status, planners.text).toBe(422);
    expect(planners.json.error.details).toEqual([{ path: "body.data.productId", message: `no product with id "${theirs.id}"` }]);
    // An admin naming one organisation cannot attach another's product to it.
    const admins = await launch(admin, "forecast", { name: "x", data: { productId: theirs.id, horizon: 7, organizationId: admin.organizationId } });
    expect(admins.status, admins.text).toBe(422);
    expect(admins.json.error.details[0]).toMatchObject({ path: "body.data.productId" });
    // Without naming one, the admin's run works for the product's organisation.
    const forProduct = await launch(admin, "optimization", { name: "x", data: { productId: theirs.id } });
    expect(forProduct.status, forProduct.text).toBe(201);
    expect(await runOf(forProduct.json.jobId)).toMatchObject({ organizationId: otherOrganization.id });
  });

  it("an admin may name any existing organisation: the run works for it", async () => {
    const response = await analytics(admin, { organizationId: otherOrganization.id });
    expect(response.status, response.text).toBe(201);
    const run = await runOf(response.json.jobId);
    expect(run).toMatchObject({ ownerId: admin.id, organizationId: otherOrganization.id, data: { params: { organizationId: otherOrganization.id } } });
    expect((await queueManager().getJob("analytics", response.json.jobId))!.data).toMatchObject({ organizationId: otherOrganization.id, params: { organizationId: otherOrganization.id } });

    // With a user of that organisation named as well.
    const exported = await launch(admin, "export", { name: "x", data: { entity: "sales", format: "json", organizationId: otherOrganization.id, userId: outsider.id } });
    expect(exported.status, exported.text).toBe(201);
    expect(await runOf(exported.json.jobId)).toMatchObject({ organizationId: otherOrganization.id, ownerId: admin.id });

    // An admin's copy of another organisation's job still works for that organisation.
    const theirs = await launch(outsider, "export", { name: "theirs", data: { entity: "inventory", format: "xlsx" } });
    const copy = await duplicateAsAdmin("export", theirs.json.jobId);
    expect(copy.status, copy.text).toBe(201);
    expect(await runOf(copy.json.jobId)).toMatchObject({ ownerId: admin.id, organizationId: otherOrganization.id, data: { entity: "inventory", format: "xlsx", filters: {} } });

    const unknown = await analytics(admin, { organizationId: "no-such-organisation" });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.details).toEqual([{ path: "body.data.params.organizationId", message: "no such organisation" }]);
  });
});

describe("idempotency keys", () => {
  const exportJob = (format = "csv") => ({ name: "idempotent-export", data: { entity: "forecasts", format } });
  const runsWithKey = (ownerId: string) => db().jobRun.count({ where: { ownerId, name: "idempotent-export" } });

  it("a repeated launch with the same key returns the first job (200, deduplicated) instead of a second", async () => {
    const user = await createTestUser("PLANNER");
    const first = await launch(user, "export", exportJob(), { "Idempotency-Key": "click-1" });
    expect(first.status).toBe(201);
    const again = await launch(user, "export", exportJob(), { "Idempotency-Key": "click-1" });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ jobId: first.json.jobId, queue: "export", name: "idempotent-export", state: "waiting", deduplicated: true });
    // The body option is the same key.
    const viaBody = await launch(user, "export", { ...exportJob(), options: { idempotencyKey: "click-1" } });
    expect(viaBody.status).toBe(200);
    expect(viaBody.json.jobId).toBe(first.json.jobId);
    expect(await runsWithKey(user.id)).toBe(1);

    // Another key, or another user with the same key, is another launch.
    expect((await launch(user, "export", exportJob(), { "Idempotency-Key": "click-2" })).status).toBe(201);
    expect((await launch(otherPlanner, "export", exportJob(), { "Idempotency-Key": "click-1" })).status).toBe(201);
    expect(await runsWithKey(user.id)).toBe(2);
  });

  it("two simultaneous clicks add exactly one job", async () => {
    const user = await createTestUser("PLANNER");
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const responses = await Promise.all([0, 1].map(() => launch(user, "export", exportJob(), { "Idempotency-Key": key })));
      expect(responses.map((response) => response.status).sort()).toEqual([200, 201]);
      expect(new Set(responses.map((response) => response.json.jobId)).size).toBe(1);
    }
    expect(await runsWithKey(user.id)).toBe(5);
    const ids = (await db().jobRun.findMany({ where: { ownerId: user.id }, select: { id: true } })).map((run) => run.id);
    const inQueue = await Promise.all(ids.map((id) => queueManager().getJob("export", id)));
    expect(inQueue.every(Boolean)).toBe(true);
  });

  it("the same key on a different request is refused (422), naming where the key came from", async () => {
    const user = await createTestUser("PLANNER");
    expect((await launch(user, "export", exportJob("csv"), { "Idempotency-Key": "reused" })).status).toBe(201);
    const other = await launch(user, "export", exportJob("json"), { "Idempotency-Key": "reused" });
    expect(other.status).toBe(422);
    expectErrorShape(other.json, "unprocessable-entity");
    expect(other.json.error.message).toMatch(/idempotency key was used for another request/);
    expect(other.json.error.details).toEqual([{ path: "headers.idempotency-key", message: "already used for another request" }]);
    const viaBody = await launch(user, "export", { ...exportJob("json"), options: { idempotencyKey: "reused" } });
    expect(detailPaths(viaBody.json)).toEqual(["body.options.idempotencyKey"]);
    expect(await runsWithKey(user.id)).toBe(1);
  });

  it("a header and a body key that disagree, or a blank key, are refused", async () => {
    const both = await launch(planner, "export", { ...exportJob(), options: { idempotencyKey: "a" } }, { "Idempotency-Key": "b" });
    expect(both.status).toBe(422);
    expect(detailPaths(both.json)).toEqual(["body.options.idempotencyKey"]);
    const blank = await launch(planner, "export", exportJob(), { "Idempotency-Key": " " });
    expect(blank.status).toBe(422);
    expect(detailPaths(blank.json)).toEqual(["headers.idempotency-key"]);
    const long = await launch(planner, "export", { ...exportJob(), options: { idempotencyKey: "k".repeat(201) } });
    expect(detailPaths(long.json)).toEqual(["body.options.idempotencyKey"]);
  });

  it("POST /forecasts: a double click launches one forecast", async () => {
    const user = await createTestUser("PLANNER");
    const body = { productId: product.id, horizon: 21, models: ["all"] };
    const responses = await Promise.all([0, 1].map(() => launchForecast(user, body, { "Idempotency-Key": "forecast-click" })));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 201]);
    expect(responses[0]!.json.jobId).toBe(responses[1]!.json.jobId);
    expect(responses.find((response) => response.status === 200)!.json).toMatchObject({ queue: "forecast", productId: product.id, deduplicated: true });
    expect(await db().jobRun.count({ where: { ownerId: user.id } })).toBe(1);
  });
});

describe("deduplication of identical sync jobs", () => {
  const sync = (integrationId: string, dataTypes = ["orders", "inventory"]) =>
    launch(admin, "sync", { name: "sync-shop", data: { integrationId, dataTypes, force: false } });
  const runsOf = (integrationId: string) => db().jobRun.findMany({ where: { queue: "sync", businessKey: integrationId } });

  it("is per organisation: the same integration id in another organisation is another job", async () => {
    const ours = await sync("shop-shared");
    const theirs = await launch(admin, "sync", {
      name: "sync-shop",
      data: { integrationId: "shop-shared", dataTypes: ["orders", "inventory"], force: false, organizationId: otherOrganization.id },
    });
    expect([ours.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.json.jobId).not.toBe(ours.json.jobId);
    expect(await runOf(theirs.json.jobId)).toMatchObject({ organizationId: otherOrganization.id });
  });

  it("a launch while an identical job waits returns that job, and the ledger gets no row for it", async () => {
    const first = await sync("shop-1");
    expect(first.status).toBe(201);
    const again = await sync("shop-1", ["inventory", "orders"]);
    expect(again.status, again.text).toBe(200);
    expect(again.json).toEqual({ jobId: first.json.jobId, queue: "sync", name: "sync-shop", state: "waiting", deduplicated: true });
    expect((await runsOf("shop-1")).map((run) => run.id)).toEqual([first.json.jobId]);

    // Other data, or another integration, is another job.
    expect((await sync("shop-1", ["orders"])).status).toBe(201);
    expect((await sync("shop-2")).status).toBe(201);

    const racing = await Promise.all([0, 1, 2].map(() => sync("shop-3")));
    expect(racing.map((response) => response.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(racing.map((response) => response.json.jobId)).size).toBe(1);
    expect(await runsOf("shop-3")).toHaveLength(1);

    // Duplicating a job that still waits gives back that job: there is no copy to record.
    const before = (await runsOf("shop-1")).length;
    const copy = await duplicateAsAdmin("sync", first.json.jobId);
    expect(copy.status, copy.text).toBe(200);
    expect(copy.json).toMatchObject({ jobId: first.json.jobId, deduplicated: true });
    expect(await listRunEvents(first.json.jobId)).toEqual([]);
    expect(await runsOf("shop-1")).toHaveLength(before);
  });

  it("once the job has finished, an identical launch adds a new one", async () => {
    const first = await sync("shop-4");
    expect(first.status).toBe(201);
    const worker = await startTestWorker(["sync"], { sync: { run: async () => documentedResult("sync") } });
    try {
      await waitFor(async () => (await runOf(first.json.jobId))?.state === "COMPLETED", 15_000);
    } finally {
      await worker.stop(5_000);
    }
    const next = await sync("shop-4");
    expect(next.status).toBe(201);
    expect(next.json.jobId).not.toBe(first.json.jobId);
    expect(await runsOf("shop-4")).toHaveLength(2);
  });
});
