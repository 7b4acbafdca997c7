import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

describe("environment", () => {
  it("applies defaults", () => {
    const env = parseEnv({});
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.REDIS_PREFIX).toBe("{capliquify}");
    expect(env.WORKER_HEALTH_CHECK_INTERVAL).toBe(10_000);
    expect(env.UPLOAD_DIR).toBe("./data/uploads");
    expect(parseEnv({ UPLOAD_DIR: "/srv/uploads" }).UPLOAD_DIR).toBe("/srv/uploads");
    expect(() => parseEnv({ UPLOAD_DIR: " " })).toThrow(/UPLOAD_DIR/);
  });

  it("trusts proxy headers only when TRUST_PROXY says so", () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(true);
    expect(parseEnv({ TRUST_PROXY: "false" }).TRUST_PROXY).toBe(false);
    expect(() => parseEnv({ TRUST_PROXY: "maybe" })).toThrow(/TRUST_PROXY/);
  });

  it("reads the observability settings and names a bad one", () => {
    expect(parseEnv({}).METRICS_TOKEN).toBeUndefined();
    expect(parseEnv({}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseEnv({ METRICS_TOKEN: "a-long-enough-scrape-token" }).METRICS_TOKEN).toBe("a-long-enough-scrape-token");
    expect(() => parseEnv({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
    expect(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://collector:4318");
    expect(() => parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318 " })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it("reads per-queue overrides as numbers", () => {
    const env = parseEnv({ QUEUE_CONCURRENCY_FORECAST: "6", JOB_TIMEOUT_IMPORT: "60000" });
    expect(env.QUEUE_CONCURRENCY_FORECAST).toBe(6);
    expect(env.JOB_TIMEOUT_IMPORT).toBe(60_000);
  });

  it("names the bad variable", () => {
    expect(() => parseEnv({ QUEUE_CONCURRENCY_FORECAST: "zero" })).toThrow(/QUEUE_CONCURRENCY_FORECAST/);
    expect(() => parseEnv({ REDIS_URL: "not a url" })).toThrow(/REDIS_URL/);
    expect(() => parseEnv({ JOB_TIMEOUT_SYNC: "-5" })).toThrow(/JOB_TIMEOUT_SYNC/);
  });

  it("reads alert thresholds and names a bad one", () => {
    const env = parseEnv({ ALERT_FAILURE_RATE: "0.35", ALERT_NO_WORKER_MINUTES: "0", ALERT_EVALUATE_EVERY_SECONDS: "5" });
    expect(env.ALERT_FAILURE_RATE).toBe(0.35);
    expect(env.ALERT_NO_WORKER_MINUTES).toBe(0);
    expect(env.ALERT_EVALUATE_EVERY_SECONDS).toBe(5);
    expect(parseEnv({}).ALERT_PAUSED_MINUTES).toBe(30);
    expect(() => parseEnv({ ALERT_FAILURE_RATE: "1.5" })).toThrow(/ALERT_FAILURE_RATE/);
    expect(() => parseEnv({ ALERT_MIN_FINISHED: "0" })).toThrow(/ALERT_MIN_FINISHED/);
    expect(() => parseEnv({ ALERT_OLDEST_WAITING_MINUTES: "-1" })).toThrow(/ALERT_OLDEST_WAITING_MINUTES/);
  });

  it("reads Redis Cluster seed nodes, with the credentials and transport the nodes share", () => {
    expect(parseEnv({}).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(parseEnv({ REDIS_CLUSTER_NODES: "10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002" }).REDIS_CLUSTER_NODES).toEqual({
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 7001 },
        { host: "::1", port: 7002 },
      ],
      tls: false,
      username: undefined,
      password: undefined,
    });
    expect(parseEnv({ REDIS_CLUSTER_NODES: "rediss://app:s%40cret@cache-1.internal:6379,rediss://cache-2.internal:6379" }).REDIS_CLUSTER_NODES).toEqual({
      nodes: [
        { host: "cache-1.internal", port: 6379 },
        { host: "cache-2.internal", port: 6379 },
      ],
      tls: true,
      username: "app",
      password: "s@cret",
    });
  });

  it("names the bad cluster node and why", () => {
    const problem = (value: string) => {
      try {
        parseEnv({ REDIS_CLUSTER_NODES: value });
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${value} was accepted`);
    };
    expect(problem("10.0.0.1")).toMatch(/REDIS_CLUSTER_NODES: "10.0.0.1" needs a host and a port/);
    expect(problem("10.0.0.1:7000,")).toMatch(/REDIS_CLUSTER_NODES: "\(empty\)" needs a host and a port/);
    expect(problem("10.0.0.1:99999")).toMatch(/"10.0.0.1:99999" is not host:port or a redis:\/\/ URL/);
    expect(problem("http://10.0.0.1:7000")).toMatch(/must use redis:\/\/ or rediss:\/\//);
    expect(problem("redis://10.0.0.1:7000/2")).toMatch(/Redis Cluster has only database 0/);
    expect(problem("redis://10.0.0.1:7000,rediss://10.0.0.2:7000")).toMatch(/mixes redis:\/\/ and rediss:\/\//);
    expect(problem("redis://a:one@10.0.0.1:7000,redis://a:two@10.0.0.2:7000")).toMatch(/different credentials/);
    expect(problem(" ")).toMatch(/REDIS_CLUSTER_NODES/);
  });

  it("requires a real session secret in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/NEXTAUTH_SECRET: required in production/);
    expect(() => parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "a-long-enough-production-secret" })).toThrow(/INTEGRATION_SECRET_KEY: required in production/);
    expect(parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "a-long-enough-production-secret", INTEGRATION_SECRET_KEY: "ab".repeat(32) }).NODE_ENV).toBe("production");
  });
});
