import { describe, expect, it } from "vitest";
import { Cluster } from "ioredis";
import { createRedis, getRedisStats, healthCheck, isRedisUnavailableError, latencyStatus, parseRedisInfo } from "@/lib/redis";
import { checkPostgres, checkRedis } from "@/scripts/services.mjs";

describe("Redis health", () => {
  it("grades latency", () => {
    expect(latencyStatus(1)).toBe("excellent");
    expect(latencyStatus(20)).toBe("good");
    expect(latencyStatus(120)).toBe("degraded");
  });

  it("parses INFO output", () => {
    expect(parseRedisInfo("# Server\r\nredis_version:7.0.15\r\nkeyspace_hits:3\r\n")).toEqual({ redis_version: "7.0.15", keyspace_hits: "3" });
  });

  it("checks a live server and reads its stats", async () => {
    const client = createRedis("producer");
    const health = await healthCheck(client);
    expect(health.healthy).toBe(true);
    expect(health.latency).toBeGreaterThanOrEqual(0);
    const stats = await getRedisStats(client);
    expect(stats.totalCommandsProcessed).toBeGreaterThan(0);
    expect(stats.dbSize).toBeGreaterThanOrEqual(0);
    expect(stats.hitRate === null || (stats.hitRate >= 0 && stats.hitRate <= 100)).toBe(true);
    client.disconnect();
  });

  it("counts a cluster that cannot be reached as Redis being away (503), not as a bad command", async () => {
    const cluster = new Cluster([{ host: "127.0.0.1", port: 1 }], { clusterRetryStrategy: () => null });
    cluster.on("error", () => {});
    const error = await cluster.get("x").catch((caught: unknown) => caught);
    cluster.disconnect();
    expect(error).toBeInstanceOf(Error);
    expect(isRedisUnavailableError(error)).toBe(true);
  });

  it("reports a server that is not there as down", async () => {
    const client = createRedis("producer", "redis://127.0.0.1:1", { retryStrategy: () => null });
    expect(await healthCheck(client)).toMatchObject({ healthy: false, status: "down", latency: null });
    client.disconnect();
  });
});

describe("start-up service checks", () => {
  it("says so when REDIS_CLUSTER_NODES names a single server", async () => {
    const { port, hostname } = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    await expect(checkRedis({ nodes: [{ host: hostname, port: Number(port || 6379) }], tls: false })).rejects.toThrow(/is a single Redis server, not a cluster node.*\n.*Set REDIS_URL/);
  });

  it("names the URL tried and what to do", async () => {
    await expect(checkRedis("redis://127.0.0.1:1")).rejects.toThrow(/Redis is not reachable at redis:\/\/127\.0\.0\.1:1.*\n.*Start Redis/);
    await expect(checkRedis({ nodes: [{ host: "127.0.0.1", port: 1 }], tls: false })).rejects.toThrow(/Redis Cluster is not usable at 127\.0\.0\.1:1 .*\n.*REDIS_CLUSTER_NODES/);
    await expect(checkPostgres("postgresql://someone:secret@127.0.0.1:1/db")).rejects.toThrow(
      /PostgreSQL is not reachable at postgresql:\/\/someone:\*\*\*@127\.0\.0\.1:1\/db/,
    );
  });
});
