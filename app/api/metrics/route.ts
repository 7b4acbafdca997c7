import { serveMetrics } from "@/lib/observability/metrics-endpoint";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/metrics — Prometheus metrics of the cluster and of this web instance (Bearer METRICS_TOKEN; 404 when unset)
export const GET = (request: Request) => serveMetrics(request);
