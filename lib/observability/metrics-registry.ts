import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { openStreamCount } from "../realtime/hub";
import { cachedSnapshot, readClusterSnapshot, registerClusterMetrics } from "./cluster-metrics";

/** How long one cluster snapshot answers scrapes: Prometheus scrapes every 15–60 s, so this only merges bursts. */
export const SNAPSHOT_TTL_MS = 2_000;

/** Request-duration buckets in seconds: from a cached read (a few ms) to a slow bulk call. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What a scrape asks for: `instance` (this process), `cluster` (queues, jobs, health), or both. */
export const METRICS_SCOPES = ["all", "instance", "cluster"] as const;
export type MetricsScope = (typeof METRICS_SCOPES)[number];

export interface WebMetrics {
  registries: Record<MetricsScope, Registry>;
  httpDuration: Histogram<"method" | "route" | "status">;
}

function createWebMetrics(): WebMetrics {
  const registry = new Registry();
  const cluster = new Registry();
  // Process CPU, memory, event-loop delay and GC of this web instance (prom-client's standard set).
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: "capliquify_http_request_duration_seconds",
    help: "API requests of this web instance until the response (for SSE: until the stream opens), by route pattern, method and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: "capliquify_sse_connections",
    help: "Open SSE event streams on this web instance",
    registers: [registry],
    collect() {
      this.set(openStreamCount());
    },
  });
  registerClusterMetrics(cluster, cachedSnapshot(() => readClusterSnapshot(), SNAPSHOT_TTL_MS));
  return { registries: { all: Registry.merge([registry, cluster]), instance: registry, cluster }, httpDuration };
}

const globalMetrics = globalThis as unknown as { __capliquifyMetrics?: WebMetrics };

/**
 * The web process's registry, made on first use: only once METRICS_TOKEN is set (the endpoint
 * and the route wrapper check it), so without it nothing is measured or kept. On globalThis, so
 * Next's dev reloads and per-route bundles share one registry.
 */
export function webMetrics(): WebMetrics {
  globalMetrics.__capliquifyMetrics ??= createWebMetrics();
  return globalMetrics.__capliquifyMetrics;
}
