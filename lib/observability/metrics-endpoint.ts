import { createHash, timingSafeEqual } from "node:crypto";
import { ApiError } from "../api/errors";
import { errorResponse } from "../api/handler";
import { env, type Env } from "../env";
import { METRICS_SCOPES, webMetrics, type MetricsScope, type WebMetrics } from "./metrics-registry";

export interface MetricsEndpointOptions {
  /** Where METRICS_TOKEN is read. @defaultValue the process's environment */
  settings?: Pick<Env, "METRICS_TOKEN">;
  metrics?: () => WebMetrics;
}

/**
 * GET /api/metrics for Prometheus: `Authorization: Bearer <METRICS_TOKEN>`.
 *
 * Without METRICS_TOKEN the endpoint answers 404, as if it did not exist: an installation that has
 * not chosen to expose metrics does not advertise that it could (a 403 would). Sessions and API
 * keys do not open it: a scraper's credential should read metrics and nothing else, and a user's
 * should not read the whole cluster's.
 *
 * `?scope=instance` answers this process's series only (HTTP, SSE, process), `?scope=cluster` the
 * cluster's only (queues, jobs, health), so a Prometheus set-up can scrape every instance for the
 * first and any one of them (e.g. through the load balancer) for the second, and `sum` stays
 * right for both. Without it: everything.
 */
export async function serveMetrics(request: Request, { settings = env(), metrics = webMetrics }: MetricsEndpointOptions = {}): Promise<Response> {
  const token = settings.METRICS_TOKEN;
  if (token === undefined) return new ApiError("not-found", "Not found").toResponse();
  if (!bearerMatches(request.headers.get("authorization"), token)) {
    const response = new ApiError("unauthorized", "Send the metrics token: Authorization: Bearer <METRICS_TOKEN>").toResponse();
    response.headers.set("www-authenticate", 'Bearer realm="metrics"');
    return response;
  }
  const scope = new URL(request.url).searchParams.get("scope") ?? "all";
  if (!isScope(scope)) {
    const message = `must be one of ${METRICS_SCOPES.join(", ")}`;
    return new ApiError("unprocessable-entity", `Invalid query — scope: ${message}`, [{ path: "query.scope", message }]).toResponse();
  }
  try {
    const registry = metrics().registries[scope];
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error, request);
  }
}

/**
 * Compares digests, not the strings: timingSafeEqual needs equal lengths, and comparing raw
 * lengths first would tell an attacker the token's length.
 */
function bearerMatches(header: string | null, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

function isScope(value: string): value is MetricsScope {
  return (METRICS_SCOPES as readonly string[]).includes(value);
}
