import type { RedisClient } from "../redis";

/**
 * One leaky bucket per integration in Redis, mirroring the provider's own (Shopify: 40 requests
 * leaking 2/s), shared by every worker process that calls that provider for that integration. A
 * request takes a slot before it is sent; when the bucket is full the caller is told how long to
 * wait instead. The script reads Redis' clock, so processes on hosts with drifting clocks still
 * agree. After each answer the provider's own count (`X-Shopify-Shop-Api-Call-Limit`) is folded
 * in, so calls by other apps on the same shop slow us down too.
 */
const SCRIPT = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local level = tonumber(redis.call("HGET", KEYS[1], "level") or "0")
local at = tonumber(redis.call("HGET", KEYS[1], "at") or tostring(now))
level = math.max(0, level - (now - at) * rate)
local wait = 0
if ARGV[3] == "observe" then
  level = math.max(level, tonumber(ARGV[4]))
elseif level + 1 <= capacity then
  level = level + 1
else
  wait = math.ceil((level + 1 - capacity) / rate)
end
redis.call("HSET", KEYS[1], "level", tostring(level), "at", tostring(now))
redis.call("PEXPIRE", KEYS[1], math.ceil(capacity / rate) + 1000)
return wait
`;

export interface BucketShape {
  /** Requests the bucket holds. */
  capacity: number;
  /** Requests it leaks per second. */
  leakPerSecond: number;
}

export interface RateLimiter {
  /** Takes a slot: 0 when the request may go now, else the ms to wait before asking again. */
  take(): Promise<number>;
  /** The provider said its bucket holds `used` requests: ours is at least that full. */
  observe(used: number): Promise<void>;
}

/** The Redis key of an integration's bucket, under the app's hash-tagged prefix (one slot on a cluster). */
export function bucketKey(prefix: string, integrationId: string): string {
  return `${prefix}:integration:${integrationId}:bucket`;
}

export function redisRateLimiter(redis: RedisClient, key: string, shape: BucketShape): RateLimiter {
  const rate = String(shape.leakPerSecond / 1000);
  return {
    take: async () => Number(await redis.eval(SCRIPT, 1, key, String(shape.capacity), rate, "take")),
    observe: async (used) => {
      await redis.eval(SCRIPT, 1, key, String(shape.capacity), rate, "observe", String(used));
    },
  };
}
