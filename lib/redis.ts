import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { env, type RedisClusterConfig } from "./env";

/**
 * Redis clients, for a single node (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES): the rest
 * of the app takes a RedisClient and does not care which. Every key the app writes starts with the
 * hash-tagged REDIS_PREFIX, so multi-key commands, transactions and BullMQ's scripts stay in one slot.
 *
 * Producers (web requests) fail fast when Redis is away so an API call answers 503 instead of
 * hanging: a command waits for at most one reconnection attempt, which also lets the first request
 * after start wait for the connection instead of failing. Worker connections wait forever
 * (maxRetriesPerRequest: null), as BullMQ needs. Both reconnect on their own.
 */
export type RedisRole = "producer" | "worker" | "subscriber";
export type RedisClient = Redis | Cluster;

const retryStrategy = (times: number) => Math.min(times * 200, 5_000);
/**
 * A web producer answers 503 without asking Redis while its client waits to reconnect, so the wait
 * is how long the API refuses after Redis is back: keep it short. A refused connect costs nothing.
 */
const producerRetryStrategy = (times: number) => Math.min(times * 100, 500);
const retryStrategyFor = (role: RedisRole) => (role === "producer" ? producerRetryStrategy : retryStrategy);

function roleOptions(role: RedisRole): RedisOptions {
  const options: RedisOptions =
    role === "producer"
      ? { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 5_000 }
      : { maxRetriesPerRequest: null, enableReadyCheck: true };
  return { ...options, connectionName: `capliquify-${role}` };
}

function createCluster(role: RedisRole, config: RedisClusterConfig): Cluster {
  const options: ClusterOptions = {
    // No seed reachable: keep trying, as a single-node client does.
    clusterRetryStrategy: retryStrategyFor(role),
    // A node that restarts without a slot change (the common case without replicas) is
    // reconnected rather than dropped until the next MOVED.
    clusterNodeRetryStrategy: retryStrategyFor(role),
    // The default 1 s is short for a loaded host; a slow refresh must not be mistaken for a dead cluster.
    slotsRefreshTimeout: 3_000,
    redisOptions: {
      ...roleOptions(role),
      username: config.username,
      password: config.password,
      tls: config.tls ? {} : undefined,
    },
  };
  return new Cluster(config.nodes, options);
}

/** Where the app's Redis is, for messages: the URL (without its password) or the cluster's seed nodes. */
export function describeRedisTarget(): string {
  const { REDIS_CLUSTER_NODES: cluster, REDIS_URL: url } = env();
  if (cluster) return `Redis Cluster ${cluster.nodes.map((node) => `${node.host}:${node.port}`).join(",")}`;
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/**
 * A client for `role`: a cluster client when REDIS_CLUSTER_NODES is set, else one for REDIS_URL.
 * Given a URL it always connects to that single node (benchmarks and tests that pick their own).
 */
export function createRedis(role: RedisRole, url: string, extra?: RedisOptions): Redis;
export function createRedis(role: RedisRole): RedisClient;
export function createRedis(role: RedisRole, url?: string, extra: RedisOptions = {}): RedisClient {
  const cluster = url === undefined ? env().REDIS_CLUSTER_NODES : undefined;
  const client = cluster
    ? createCluster(role, cluster)
    : new Redis(url ?? env().REDIS_URL, { lazyConnect: false, retryStrategy: retryStrategyFor(role), ...roleOptions(role), ...extra });
  // Without a listener ioredis prints every reconnect failure as an unhandled error event.
  client.on("error", () => {});
  return client;
}

const globalClients = globalThis as unknown as { __capliquifyRedis?: Partial<Record<RedisRole, RedisClient>> };

/** Lazy process-wide client per role, kept on globalThis so Next dev reloads do not leak sockets. */
export function sharedRedis(role: RedisRole = "producer"): RedisClient {
  const clients = (globalClients.__capliquifyRedis ??= {});
  return (clients[role] ??= createRedis(role));
}

export async function closeSharedRedis(): Promise<void> {
  const clients = globalClients.__capliquifyRedis ?? {};
  globalClients.__capliquifyRedis = {};
  await Promise.all(Object.values(clients).map((client) => client?.quit().catch(() => client.disconnect())));
}

/**
 * The nodes that hold data: the cluster's masters, or the one server. Commands that look at a
 * node's own keyspace or statistics (SCAN, INFO, DBSIZE) have to visit each of them, since on a
 * cluster any one node answers only for its own slots.
 */
export async function dataNodes(client: RedisClient): Promise<Redis[]> {
  if (!isCluster(client)) return [client];
  if (client.status !== "ready") {
    await new Promise<void>((resolve, reject) => {
      const cleanup = () => (client.off("ready", onReady), client.off("end", onEnd));
      const onReady = () => (cleanup(), resolve());
      const onEnd = () => (cleanup(), reject(new Error("Connection is closed.")));
      client.once("ready", onReady);
      client.once("end", onEnd);
    });
  }
  return client.nodes("master");
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

export async function healthCheck(client: RedisClient = sharedRedis()): Promise<RedisHealth> {
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

export async function getRedisStats(client: RedisClient = sharedRedis()): Promise<RedisStats> {
  // A cluster's figures are its masters' together; uptime and version are the least of them.
  const perNode = await Promise.all(
    (await dataNodes(client)).map(async (node) => {
      const [info, dbSize] = await Promise.all([node.info(), node.dbsize()]);
      return { fields: parseRedisInfo(info), dbSize };
    }),
  );
  const sum = (name: string) => perNode.reduce((total, { fields }) => total + Number(fields[name] ?? 0), 0);
  const hits = sum("keyspace_hits");
  const misses = sum("keyspace_misses");
  const usedMemory = sum("used_memory");
  return {
    dbSize: perNode.reduce((total, node) => total + node.dbSize, 0),
    totalConnectionsReceived: sum("total_connections_received"),
    totalCommandsProcessed: sum("total_commands_processed"),
    instantaneousOpsPerSec: sum("instantaneous_ops_per_sec"),
    hitRate: hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 10_000) / 100,
    connectedClients: sum("connected_clients"),
    usedMemory,
    usedMemoryHuman: perNode.length === 1 ? (perNode[0]!.fields.used_memory_human ?? "") : humanBytes(usedMemory),
    uptimeSeconds: Math.min(...perNode.map(({ fields }) => Number(fields.uptime_in_seconds ?? 0))),
    version: perNode.map(({ fields }) => fields.redis_version ?? "").sort((a, b) => a.localeCompare(b, "en", { numeric: true }))[0] ?? "",
  };
}

/** Bytes the way Redis writes used_memory_human (1.50M), for sums it did not format itself. */
function humanBytes(bytes: number): string {
  const units = ["B", "K", "M", "G", "T"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) (value /= 1024), unit++;
  return unit === 0 ? `${bytes}B` : `${value.toFixed(2)}${units[unit]}`;
}

/** True for errors that mean "Redis cannot be reached", as opposed to a bad command. */
export function isRedisUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // The end of the pattern: a cluster with no reachable node, or one that has lost slots.
  return /enableOfflineQueue|Connection is closed|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|Reached the max retries|connect ETIMEDOUT|Redis deadline|Command timed out|OOM command not allowed|None of startup nodes is available|Failed to refresh slots cache|CLUSTERDOWN/i.test(
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

/**
 * Deletes every key under `prefix` with SCAN + UNLINK (never KEYS or FLUSH*), on every data node;
 * returns how many. One key per UNLINK, pipelined: keys a node returns may sit in different slots.
 */
export async function deleteKeysByPrefix(client: RedisClient, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, (char) => `\\${char}`)}*`;
  let deleted = 0;
  for (const node of await dataNodes(client)) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length === 0) continue;
      const replies = (await node.pipeline(keys.map((key) => ["unlink", key])).exec()) ?? [];
      for (const [error, count] of replies) {
        if (error) throw error;
        deleted += count as number;
      }
    } while (cursor !== "0");
  }
  return deleted;
}
