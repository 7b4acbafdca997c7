import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { deleteKeysByPrefix } from "../lib/redis";
import { createDb, disconnectDb } from "../lib/db";
import { seedDemoData } from "../lib/demo/seed-demo-data";
import { checkRedis, ensureDatabase, migrate } from "../scripts/services.mjs";
import { assertLocal, E2E_DATABASE_URL, E2E_REDIS_PREFIX, E2E_REDIS_URL } from "./e2e-env";

/**
 * Prepares a clean world for the e2e suite: a fresh `capliquify_e2e` database with the schema and
 * the demo data, and no Redis keys under the suite's prefix (so queue counts start at zero).
 *
 * It runs as the first step of the worker's `webServer` command, not as Playwright's globalSetup:
 * Playwright starts web servers before globalSetup, and dropping the database or deleting queue
 * keys under a running worker and web server would break them.
 */
export default async function prepareE2e(): Promise<void> {
  assertLocal(E2E_DATABASE_URL, "database");
  assertLocal(E2E_REDIS_URL, "redis");
  await checkRedis(E2E_REDIS_URL);

  await ensureDatabase(E2E_DATABASE_URL, { fresh: true });
  migrate(E2E_DATABASE_URL);
  const db = createDb(E2E_DATABASE_URL);
  try {
    const seeded = await seedDemoData(db, { products: 12 });
    console.log(`[e2e] seeded ${seeded.products} products, ${seeded.salesRows} sales rows, ${seeded.users} users`);
  } finally {
    await disconnectDb(db);
  }

  const deleted = await deleteKeys(E2E_REDIS_URL, E2E_REDIS_PREFIX);
  console.log(`[e2e] removed ${deleted} Redis keys under ${E2E_REDIS_PREFIX}`);
}

async function deleteKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    return await deleteKeysByPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

// `npx tsx e2e/global-setup.ts` (what playwright.config.ts runs) prepares and exits.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  prepareE2e().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`\n✖ e2e preparation failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
