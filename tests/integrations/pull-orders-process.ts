/**
 * One worker-like process for the shared rate-limit test: pulls every order of the fake through
 * the Shopify connector under the integration's Redis bucket, then prints what it did as JSON.
 * argv: baseUrl accessToken integrationId capacity leakPerSecond pageSize
 */
import { shopifyConnector } from "../../lib/integrations/connectors/shopify";
import { bucketKey, redisRateLimiter } from "../../lib/integrations/rate-limiter";
import { createRedis } from "../../lib/redis";
import { env } from "../../lib/env";

const [baseUrl, accessToken, integrationId, capacity, leakPerSecond, pageSize] = process.argv.slice(2);
const redis = createRedis("worker");
const limiter = redisRateLimiter(redis, bucketKey(env().REDIS_PREFIX, integrationId!), { capacity: Number(capacity), leakPerSecond: Number(leakPerSecond) });
const connector = shopifyConnector({ baseUrl: baseUrl!, accessToken: accessToken!, pageSize: Number(pageSize) }, { limiter });
const signal = new AbortController().signal;
let cursor: string | null = null;
let orders = 0;
do {
  const page = await connector.listOrders({ since: null, cursor, signal });
  orders += page.records.length;
  cursor = page.nextCursor;
} while (cursor !== null);
console.log(JSON.stringify({ orders, ...connector.stats }));
redis.disconnect();
