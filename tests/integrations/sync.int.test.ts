import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { openConnector, startSync } from "@/lib/integrations/integrations";
import { ORDERS_OVERLAP_MS, runSync } from "@/lib/integrations/run-sync";
import { queueManager } from "@/lib/jobs/queue-manager";
import { sharedRedis } from "@/lib/redis";
import { FakeShopify } from "@/scripts/fakes/shopify";
import { syncProcessor } from "@/worker/processors/sync.processor";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestOrganization, createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { createCatalogue, createShopifyIntegration, expectedSales, salesBySkuDay } from "./helpers";

const DAY = 86_400_000;
const SKUS = ["SYNC-A", "SYNC-B", "SYNC-C"];

describe("integration sync against the fake Shopify", () => {
  let worker: WorkerManager;
  const fakes: FakeShopify[] = [];

  beforeAll(async () => {
    worker = await startTestWorker(["sync"], { sync: syncProcessor });
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all(fakes.map((fake) => fake.stop()));
  });

  async function setUp(options: Partial<ConstructorParameters<typeof FakeShopify>[0]> = {}) {
    const organization = await createTestOrganization("Sync");
    const admin = await createTestUser("ADMIN", { organizationId: organization.id });
    await createCatalogue(organization.id, SKUS, [{ code: "MAIN", name: "Main warehouse" }, { code: "EAST-DC", name: "East coast" }]);
    const fake = new FakeShopify({ accessToken: `shpat_${organization.slug}`, ...options });
    fakes.push(fake);
    await fake.start();
    return { organization, admin, fake };
  }

  async function runJob(admin: TestUser, integrationId: string, input: { dataTypes?: ("orders" | "inventory")[]; force?: boolean } = {}) {
    const started = await startSync(admin.principal, integrationId, input);
    if (!started.ok) throw new Error(`not started: ${started.code}`);
    const jobId = (started as { jobId: string }).jobId;
    const state = await waitFor(async () => {
      const current = await (await queueManager().getJob("sync", jobId))?.getState();
      return current === "completed" || current === "failed" ? current : undefined;
    }, 60_000);
    // Read again once finished: a job read before it finished holds no return value.
    const job = (await queueManager().getJob("sync", jobId))!;
    return { state, job, result: job.returnvalue };
  }

  it("pulls orders into daily sales and then exactly the changed ones, never counting a line twice", async () => {
    const { organization, admin, fake } = await setUp();
    const now = Date.now();
    for (let index = 0; index < 60; index++) {
      fake.addOrder({ createdAt: new Date(now - (10 + (index % 20)) * DAY + index * 60_000), lines: [{ sku: SKUS[index % 3]!, quantity: 1 + (index % 4) }, { sku: index % 10 === 0 ? "NOT-OURS" : SKUS[(index + 1) % 3]!, quantity: 2 }] });
    }
    const integration = await createShopifyIntegration(admin, fake);

    const first = await runJob(admin, integration.id, { dataTypes: ["orders"] });
    expect(first.state).toBe("completed");
    expect(first.result).toMatchObject({ success: true, integrationId: integration.id, orders: { read: 60 }, unknownSkus: 1, unknownSkuList: ["NOT-OURS"] });
    expect(await salesBySkuDay(organization.id)).toEqual(expectedSales(fake.allOrders, SKUS));

    const watermark = Math.max(...fake.allOrders.map((order) => order.updatedAt.getTime()));
    // The merchant edits four orders and cancels one; three new orders come in.
    const orders = fake.allOrders.slice();
    fake.updateOrder(orders[3]!.id, { quantities: { [orders[3]!.lineItems[0]!.sku!]: 9 } });
    fake.updateOrder(orders[17]!.id, { quantities: { [orders[17]!.lineItems[0]!.sku!]: 1 } });
    fake.updateOrder(orders[30]!.id, { cancel: true });
    fake.updateOrder(orders[44]!.id, { quantities: { [orders[44]!.lineItems[1]!.sku!]: 5 } });
    for (let index = 0; index < 3; index++) fake.addOrder({ createdAt: new Date(now - index * DAY), lines: [{ sku: SKUS[index]!, quantity: 7 }] });

    const second = await runJob(admin, integration.id, { dataTypes: ["orders"] });
    expect(second.state).toBe("completed");
    expect(await salesBySkuDay(organization.id)).toEqual(expectedSales(fake.allOrders, SKUS));
    // The seven changed orders, and those of the first pull changed in the overlap window before its
    // latest change (the window re-reads them, in case a change on a page boundary was missed).
    const inOverlap = orders.filter((order) => order.updatedAt.getTime() >= watermark - ORDERS_OVERLAP_MS && order.updatedAt.getTime() < now - DAY).length;
    expect(second.result.orders.read).toBe(7 + inOverlap);

    // A forced re-pull reads everything again and changes nothing.
    const forced = await runJob(admin, integration.id, { dataTypes: ["orders"], force: true });
    expect(forced.result.orders).toMatchObject({ read: 63, written: 0 });
    expect(await salesBySkuDay(organization.id)).toEqual(expectedSales(fake.allOrders, SKUS));
    const row = await db().integration.findUniqueOrThrow({ where: { id: integration.id } });
    expect(row.lastSuccessAt).not.toBeNull();
    expect(row.lastError).toBeNull();
  });

  it("resumes a pull stopped after a page from the last committed page, through records changing between pages", async () => {
    const { organization, admin, fake } = await setUp({ changesBetweenPages: 2, seed: 5 });
    const now = Date.now();
    for (let index = 0; index < 95; index++) fake.addOrder({ createdAt: new Date(now - 30 * DAY + index * 3_600_000), lines: [{ sku: SKUS[index % 3]!, quantity: 1 + (index % 5) }] });
    const integration = await createShopifyIntegration(admin, fake);
    const row = await db().integration.findUniqueOrThrow({ where: { id: integration.id } });
    const input = { integrationId: row.id, organizationId: organization.id, dataTypes: ["orders"] as const, force: false, settings: row.settings };
    const connector = () => openConnector(row, { redis: sharedRedis("worker") }, { pageSize: 10 });

    // The first attempt dies after its fourth page (a crash, a timeout: the abort stops it between pages).
    const crash = new AbortController();
    await expect(
      runSync(input, { db: db(), connector: connector(), signal: crash.signal, onPage: async (_type, page) => void (page.pages === 4 && crash.abort(new Error("worker killed"))) }),
    ).rejects.toThrow();
    const cursor = await db().integrationCursor.findUniqueOrThrow({ where: { integrationId_dataType: { integrationId: row.id, dataType: "orders" } } });
    expect(cursor).toMatchObject({ pages: 4, records: 40 });
    expect(cursor.pageCursor).not.toBeNull();

    const resumed = await runSync(input, { db: db(), connector: connector(), signal: new AbortController().signal });
    expect(resumed.resumed).toBe(true);
    // Not from the start: the 40 orders already committed are not read again, only what moved behind the cursor.
    expect(resumed.orders!.read).toBeLessThan(95);
    // The merchant stops editing; one more incremental pull catches the last edits.
    fake.options.changesBetweenPages = 0;
    await runSync(input, { db: db(), connector: connector(), signal: new AbortController().signal });
    expect(await salesBySkuDay(organization.id)).toEqual(expectedSales(fake.allOrders, SKUS));
    expect(await db().integrationOrderLine.count({ where: { integrationId: row.id } })).toBe(95);
  });

  it("starts the pull again when the shop refuses the saved cursor (an expired page_info)", async () => {
    const { organization, admin, fake } = await setUp();
    for (let index = 0; index < 30; index++) fake.addOrder({ createdAt: new Date(Date.now() - 5 * DAY + index * 60_000), lines: [{ sku: SKUS[index % 3]!, quantity: 2 }] });
    const integration = await createShopifyIntegration(admin, fake);
    for (const dataType of ["orders", "inventory"]) {
      await db().integrationCursor.create({ data: { integrationId: integration.id, dataType, pageCursor: "expired-page-info", pages: 3, records: 30, pullDay: new Date() } });
    }
    fake.setInventory("SYNC-A", "Main warehouse", 4);
    const done = await runJob(admin, integration.id);
    expect(done.state).toBe("completed");
    expect(done.result).toMatchObject({ resumed: false, orders: { read: 30 }, inventory: { read: 1, written: 1 } });
    expect(fake.requests.filter((request) => request.status === 400)).toHaveLength(1);
    expect(await salesBySkuDay(organization.id)).toEqual(expectedSales(fake.allOrders, SKUS));
  });

  it("writes stock on hand per warehouse, locations matched by name or by the settings' map", async () => {
    const { organization, admin, fake } = await setUp();
    fake.setInventory("SYNC-A", "Main warehouse", 120);
    fake.setInventory("SYNC-B", "Main warehouse", 7);
    fake.setInventory("SYNC-A", "East", 33);
    fake.setInventory("NOT-OURS", "East", 5);
    fake.setInventory("SYNC-C", "Pop-up store", 2);
    const integration = await createShopifyIntegration(admin, fake, { locationWarehouses: { East: "EAST-DC" } });
    const done = await runJob(admin, integration.id, { dataTypes: ["inventory"] });
    expect(done.state).toBe("completed");
    expect(done.result).toMatchObject({ inventory: { read: 5, written: 3 }, unknownSkus: 1, unknownSkuList: ["NOT-OURS"], unmappedLocations: ["Pop-up store"] });
    const stock = await db().stockSnapshot.findMany({ where: { organizationId: organization.id }, include: { product: true, warehouse: true } });
    expect(Object.fromEntries(stock.map((row) => [`${row.product.sku}@${row.warehouse.code}`, row.onHand]))).toEqual({ "SYNC-A@MAIN": 120, "SYNC-B@MAIN": 7, "SYNC-A@EAST-DC": 33 });
  });

  it("stops at a 401: the integration needs attention and the job fails without retrying", async () => {
    const { admin, fake } = await setUp();
    fake.addOrder({ lines: [{ sku: "SYNC-A", quantity: 1 }] });
    const integration = await createShopifyIntegration(admin, fake);
    fake.rotateToken("shpat_rotated_by_the_merchant");
    const done = await runJob(admin, integration.id);
    expect(done.state).toBe("failed");
    expect(done.job.attemptsMade).toBe(1);
    expect(done.job.failedReason).toMatch(/refused the credentials \(HTTP 401/);
    const row = await db().integration.findUniqueOrThrow({ where: { id: integration.id } });
    expect(row.status).toBe("NEEDS_ATTENTION");
    expect(fake.requests.filter((request) => request.status === 401)).toHaveLength(1);
  });

  it("waits out 429s (Retry-After in seconds) and retries 503s", async () => {
    const { organization, admin, fake } = await setUp();
    fake.addOrder({ createdAt: new Date(Date.now() - DAY), lines: [{ sku: "SYNC-A", quantity: 4 }] });
    const integration = await createShopifyIntegration(admin, fake);
    fake.failNext(429, 1, "1.0");
    fake.failNext(503, 2);
    const started = Date.now();
    const done = await runJob(admin, integration.id, { dataTypes: ["orders"] });
    expect(done.state).toBe("completed");
    expect(done.result).toMatchObject({ throttled: 1, requests: 4 });
    // One second at least: the header is seconds, not milliseconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(await salesBySkuDay(organization.id)).toEqual(expectedSales(fake.allOrders, SKUS));
  });
});
