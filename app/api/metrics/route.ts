import { describedRoute } from "@/lib/api/route-doc";
import { serveMetrics } from "@/lib/observability/metrics-endpoint";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/metrics — Prometheus metrics of the cluster and of this web instance (Bearer METRICS_TOKEN; 404 when unset)
export const GET = describedRoute(
  {
    summary: "Prometheus metrics: queue counts and totals, job durations, HTTP durations, SSE connections, Redis and database health",
    tag: "metrics",
    description: "`?scope=instance` (this web instance's own series) or `?scope=cluster` (the cluster's series, from Redis); without it, both.",
    security: { name: "metricsToken", scheme: { type: "http", scheme: "bearer", description: "METRICS_TOKEN" } },
    responses: { 200: { description: "Prometheus text exposition format", contentType: "text/plain; version=0.0.4" } },
    errors: { unauthorized: "No or a wrong Bearer token.", "not-found": "METRICS_TOKEN is unset: the endpoint is off.", "unprocessable-entity": "An unknown scope." },
  },
  (request: Request) => serveMetrics(request),
);
