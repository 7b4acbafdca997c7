import { ensureDatabase, checkRedis, migrate, DEFAULT_REDIS_URL } from "../scripts/services.mjs";

/**
 * Integration tests run against a database of their own (dropped and re-created each run) and a
 * Redis key prefix per test; they never touch the app's data.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/capliquify_test";

export default async function setup() {
  // Each vitest project (tests/cluster has its own) runs this; one fresh database per run is enough.
  if (process.env.CAPLIQUIFY_TEST_DATABASE_READY === TEST_DATABASE_URL) return;
  // The set-up drops this database: refuse anything that is not a local test database.
  const target = new URL(TEST_DATABASE_URL);
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(target.hostname) || !/test/.test(target.pathname)) {
    throw new Error(`Refusing to drop ${target.hostname}${target.pathname}: TEST_DATABASE_URL must name a local database with "test" in its name`);
  }
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  await checkRedis(redisUrl);
  await ensureDatabase(TEST_DATABASE_URL, { fresh: true });
  migrate(TEST_DATABASE_URL);
  process.env.CAPLIQUIFY_TEST_DATABASE_READY = TEST_DATABASE_URL;
}
