import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { deleteKeysByPrefix } from "../lib/redis";
import pg from "pg";
import { createApiKey } from "../lib/auth/api-keys";
import type { Db } from "../lib/db";
import { demoProducts, generateDailySales } from "../lib/demo/sales-generator";
import { ensureDatabase, root } from "../scripts/services.mjs";
import { config } from "./config";

/**
 * A fresh bench database with the app's migrations applied. `migrate()` runs in a child whose
 * stdout goes to our stderr, so the Prisma CLI's chatter stays out of the printed tables.
 */
export async function prepareDatabase(): Promise<void> {
  await ensureDatabase(config.databaseUrl, { fresh: true });
  const result = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", `import { migrate } from "./scripts/services.mjs"; migrate(process.env.BENCH_MIGRATE_URL);`],
    { cwd: root, env: { ...process.env, BENCH_MIGRATE_URL: config.databaseUrl }, stdio: ["ignore", 2, 2] },
  );
  if (result.status !== 0) throw new Error(`migrating ${config.databaseUrl} failed (exit ${result.status ?? result.signal})`);
}

/** Deletes every key under the bench prefix (SCAN + UNLINK, never KEYS or FLUSH*). */
export async function deleteBenchKeys(prefix = config.prefix): Promise<number> {
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  await redis.connect();
  try {
    return await deleteKeysByPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}


export interface SeededProduct {
  id: string;
  sku: string;
}

/**
 * Products with `days` of generated daily sales each, written with multi-row INSERT … SELECT FROM
 * unnest(…): one statement per batch instead of Prisma's createMany, which is several times slower
 * for 730k rows.
 */
export async function seedProducts(count: number, days: number): Promise<{ products: SeededProduct[]; rows: number; ms: number }> {
  const started = performance.now();
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  const end = yesterdayUtc();
  const templates = demoProducts(count);
  const products = templates.map((template) => ({ id: `bench_${template.sku.toLowerCase()}`, ...template }));
  let rows = 0;
  try {
    await pool.query(
      `insert into "Organization" (id, slug, name) values ($1, $1, 'Bench manufacturing') on conflict (id) do nothing`,
      [BENCH_ORGANIZATION],
    );
    await pool.query(
      `insert into "Product" ("organizationId", id, sku, name, category, "unitCost")
       select $6, * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[])`,
      [
        products.map((product) => product.id),
        products.map((product) => product.sku),
        products.map((product) => product.name),
        products.map((product) => product.category),
        products.map((product) => product.unitCost),
        BENCH_ORGANIZATION,
      ],
    );
    const batchSize = 50; // × 730 days ≈ 36k rows per statement
    const batches: (typeof products)[] = [];
    for (let index = 0; index < products.length; index += batchSize) batches.push(products.slice(index, index + batchSize));
    // Two statements in flight: one builds its arrays while PostgreSQL writes the other's rows.
    let next = 0;
    const insertNext = async (): Promise<void> => {
      while (next < batches.length) {
        const batchIndex = next++;
        const ids: string[] = [];
        const dates: string[] = [];
        const quantities: number[] = [];
        for (const [offset, product] of batches[batchIndex]!.entries()) {
          const seed = 1_000 + batchIndex * batchSize + offset;
          for (const sale of generateDailySales(product.profile, end, days, seed)) {
            ids.push(product.id);
            dates.push(sale.date.toISOString().slice(0, 10));
            quantities.push(sale.quantity);
          }
        }
        await pool.query(
          `insert into "SalesDaily" ("organizationId", "productId", date, quantity)
           select $4, * from unnest($1::text[], $2::date[], $3::int[])`,
          [ids, dates, quantities, BENCH_ORGANIZATION],
        );
        rows += ids.length;
      }
    };
    await Promise.all([insertNext(), insertNext()]);
    await pool.query(`analyze "Product"; analyze "SalesDaily"`);
  } finally {
    await pool.end();
  }
  return { products: products.map(({ id, sku }) => ({ id, sku })), rows, ms: performance.now() - started };
}

/** The organisation the bench's products, users and runs belong to. */
export const BENCH_ORGANIZATION = "bench-org";

export interface BenchUser {
  id: string;
  email: string;
  name: string;
  sessionVersion: number;
  apiKey: string;
  organizationId: string;
}

export async function createBenchUser(db: Db): Promise<BenchUser> {
  // Its organisation exists without seeded products too (parts that seed their own, run alone).
  await db.$executeRaw`insert into "Organization" (id, slug, name) values (${BENCH_ORGANIZATION}, ${BENCH_ORGANIZATION}, 'Bench manufacturing') on conflict (id) do nothing`;
  const user = await db.user.create({
    data: {
      email: `bench-${randomUUID().slice(0, 8)}@bench.local`,
      name: "Bench Planner",
      role: "PLANNER",
      organizationId: BENCH_ORGANIZATION,
      // Never signs in with a password; the API key is the credential.
      passwordHash: "!",
    },
  });
  const { key } = await createApiKey(user.id, "bench", { db });
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion, apiKey: key, organizationId: BENCH_ORGANIZATION };
}

/** Empties the tables the runs fill, so each run starts from the same database state. */
export async function resetRunTables(db: Db): Promise<void> {
  await db.$executeRawUnsafe(`truncate "Forecast", "JobRun" cascade`);
}

function yesterdayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
}
