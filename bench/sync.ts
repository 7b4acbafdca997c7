import { createDb, disconnectDb } from "../lib/db";
import { openConnector } from "../lib/integrations/integrations";
import { runSync } from "../lib/integrations/run-sync";
import { sealSecret } from "../lib/integrations/secrets";
import { createRedis } from "../lib/redis";
import { FakeShopify } from "../scripts/fakes/shopify";
import { config } from "./config";
import { loadAverage } from "./system";

/** The sync part's own organisation, so its sales do not disturb the other parts' data. */
export const SYNC_BENCH_ORGANIZATION = "bench-sync-org";
const PRODUCTS = 1_000;
const TOKEN = "shpat_bench";

export interface SyncBenchRow {
  orders: number;
  lines: number;
  pages: number;
  requests: number;
  throttled: number;
  unavailable: number;
  seconds: number;
  /** Requests the shop answered 200 ÷ what its bucket allowed over the same span (capacity + leak × seconds). */
  budgetShare: number;
  recordsPerSecond: number;
  salesMatch: boolean;
  load: string;
}

/**
 * A full sync of `orders` orders (1–3 lines over 1,000 SKUs, 250 per page) from the fake Shopify
 * under the Standard plan's bucket (40, leaking 2/s), with 0.5 % of requests answered 503: the
 * run the sync processor makes (lib/integrations/run-sync.ts, in this process, the fake beside it).
 */
export async function measureSync(step: (message: string) => void, orders: number): Promise<SyncBenchRow> {
  const db = createDb(config.databaseUrl);
  const redis = createRedis("worker", config.redisUrl);
  const fake = new FakeShopify({ accessToken: TOKEN, unavailableRate: 0.005, seed: 11 });
  try {
    await db.$executeRawUnsafe(`insert into "Organization" (id, slug, name) values ($1, $1, 'Bench Sync Works') on conflict do nothing`, SYNC_BENCH_ORGANIZATION);
    await db.integration.deleteMany({ where: { organizationId: SYNC_BENCH_ORGANIZATION } });
    await db.salesDaily.deleteMany({ where: { organizationId: SYNC_BENCH_ORGANIZATION } });
    await db.product.deleteMany({ where: { organizationId: SYNC_BENCH_ORGANIZATION } });
    const skus = Array.from({ length: PRODUCTS }, (_, index) => `BS-${String(index).padStart(4, "0")}`);
    await db.product.createMany({ data: skus.map((sku) => ({ organizationId: SYNC_BENCH_ORGANIZATION, sku, name: `Bench ${sku}`, category: "Sync", unitCost: 1 })) });

    step(`sync: a fake shop with ${orders.toLocaleString("en-US")} orders`);
    const start = Date.now() - 365 * 86_400_000;
    let lines = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (let index = 0; index < orders; index++) {
      // Ascending times: the fake keeps its orders sorted, and appending is cheap.
      const count = 1 + Math.floor(random() * 3);
      lines += count;
      fake.addOrder({ createdAt: new Date(start + Math.floor((index / orders) * 365 * 86_400_000)), lines: Array.from({ length: count }, () => ({ sku: skus[Math.floor(random() * PRODUCTS)]!, quantity: 1 + Math.floor(random() * 5) })) });
    }
    await fake.start();
    const row = await db.integration.create({
      data: { organizationId: SYNC_BENCH_ORGANIZATION, kind: "SHOPIFY", name: "Bench shop", baseUrl: fake.baseUrl, credentials: sealSecret(JSON.stringify({ accessToken: TOKEN })), webhookSecret: sealSecret("bench") },
    });

    step(`sync: pulling ${orders.toLocaleString("en-US")} orders at 2 requests/s (about ${Math.round(orders / 250 / 2)} s)`);
    const connector = openConnector(row, { redis });
    const began = Date.now();
    const outcome = await runSync({ integrationId: row.id, organizationId: SYNC_BENCH_ORGANIZATION, dataTypes: ["orders"], force: false, settings: {} }, { db, connector, signal: new AbortController().signal });
    const seconds = (Date.now() - began) / 1000;

    const served = fake.requests.filter((request) => request.status === 200);
    const span = (fake.requests.at(-1)!.at - fake.requests[0]!.at) / 1000;
    const allowed = fake.options.bucketSize + fake.options.leakPerSecond * span;
    const [sum] = await db.$queryRawUnsafe<{ total: bigint }[]>(`select coalesce(sum(quantity), 0)::bigint as total from "SalesDaily" where "organizationId" = $1`, SYNC_BENCH_ORGANIZATION);
    const expected = fake.allOrders.reduce((total, order) => total + order.lineItems.reduce((subtotal, line) => subtotal + line.quantity, 0), 0);
    return {
      orders: outcome.orders!.read,
      lines,
      pages: outcome.orders!.pages,
      requests: connector.stats.requests,
      throttled: fake.requests.filter((request) => request.status === 429).length,
      unavailable: fake.requests.filter((request) => request.status === 503).length,
      seconds,
      budgetShare: served.length / allowed,
      recordsPerSecond: outcome.orders!.read / seconds,
      salesMatch: Number(sum?.total ?? 0) === expected,
      load: loadAverage(),
    };
  } finally {
    await fake.stop();
    redis.disconnect();
    await disconnectDb(db);
  }
}
