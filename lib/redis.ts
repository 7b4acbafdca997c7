import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env";

/**
 * Redis clients. Producers (web requests) fail fast when Redis is away so an API call answers 503
 * instead of hanging: a command waits for at most one reconnection attempt, which also lets the
 * first request after start wait for the connection instead of failing. Worker connections wait
 * forever (maxRetriesPerRequest: null), as BullMQ needs. Both reconnect on their own.
 */
export type RedisRole = "producer" | "worker" | "subscriber";

const retryStrategy = (times: number) => Math.min(times * 200, 5_000);

export function createRedis(role: RedisRole, url = env().REDIS_URL, extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === "producer"
      ? { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 5_000, retryStrategy }
      : { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy };
  const client = new Redis(url, { lazyConnect: false, connectionName: `capliquify-${role}`, ...options, ...extra });
  // Without a listener ioredis prints every reconnect failure as an unhandled error event.
  client.on("error", () => {});
  return client;
}

const globalClients = globalThis as unknown as { __capliquifyRedis?: Partial<Record<RedisRole, Redis>> };

/** Lazy process-wide client per role, kept on globalThis so Next dev reloads do not leak sockets. */
export function sharedRedis(role: RedisRole = "producer"): Redis {
  const clients = (globalClients.__capliquifyRedis ??= {});
  return (clients[role] ??= createRedis(role));
}

export async function closeSharedRedis(): Promise<void> {
  const clients = globalClients.__capliquifyRedis ?? {};
  globalClients.__capliquifyRedis = {};
  await Promise.all(Object.values(clients).map((client) => client?.quit().catch(() => client.disconnect())));
}

export type RedisHealthStatus = "excellent" | "good" | "degraded" | "down";

export interface RedisHealth {
  healthy: boolean;
  latency: number | null;
  status: RedisHealthStatus;
  error?: string;
}

export function latencyStatus(latencyMs: number): Exclude<RedisHealthStatus, "down"> {
  if (latencyMs < 5) return "excellent";
  if (latencyMs < 50) return "good";
  return "degraded";
}

export async function healthCheck(client: Redis = sharedRedis()): Promise<RedisHealth> {
  const started = performance.now();
  try {
    await withDeadline(client.ping(), 2_000);
    const latency = Math.round((performance.now() - started) * 100) / 100;
    return { healthy: true, latency, status: latencyStatus(latency) };
  } catch (error) {
    return { healthy: false, latency: null, status: "down", error: describeRedisError(error) };
  }
}

export interface RedisStats {
  dbSize: number;
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  instantaneousOpsPerSec: number;
  hitRate: number | null;
  connectedClients: number;
  usedMemory: number;
  usedMemoryHuman: string;
  uptimeSeconds: number;
  version: string;
}

export function parseRedisInfo(info: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const separator = line.indexOf(":");
    if (separator > 0 && !line.startsWith("#")) fields[line.slice(0, separator)] = line.slice(separator + 1);
  }
  return fields;
}

export async function getRedisStats(client: Redis = sharedRedis()): Promise<RedisStats> {
  const [info, dbSize] = await Promise.all([client.info(), client.dbsize()]);
  const fields = parseRedisInfo(info);
  const number = (name: string) => Number(fields[name] ?? 0);
  const hits = number("keyspace_hits");
  const misses = number("keyspace_misses");
  return {
    dbSize,
    totalConnectionsReceived: number("total_connections_received"),
    totalCommandsProcessed: number("total_commands_processed"),
    instantaneousOpsPerSec: number("instantaneous_ops_per_sec"),
    hitRate: hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 10_000) / 100,
    connectedClients: number("connected_clients"),
    usedMemory: number("used_memory"),
    usedMemoryHuman: fields.used_memory_human ?? "",
    uptimeSeconds: number("uptime_in_seconds"),
    version: fields.redis_version ?? "",
  };
}

/** True for errors that mean "Redis cannot be reached", as opposed to a bad command. */
export function isRedisUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /enableOfflineQueue|Connection is closed|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|Reached the max retries|connect ETIMEDOUT|Redis deadline|Command timed out|OOM command not allowed/i.test(
    error.message,
  );
}

function describeRedisError(error: unknown): string {
  return isRedisUnavailableError(error) ? "Redis is unreachable" : "Redis health check failed";
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("Redis deadline exceeded")), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

/** Deletes every key under `prefix` with SCAN + UNLINK (never KEYS or FLUSH*); returns how many. */
export async function deleteKeysByPrefix(client: Redis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, (char) => `\\${char}`)}*`;
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}
