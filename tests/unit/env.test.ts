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

  it("requires a real session secret in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/NEXTAUTH_SECRET: required in production/);
    expect(parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "a-long-enough-production-secret" }).NODE_ENV).toBe("production");
  });
});
