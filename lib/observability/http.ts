import { env } from "../env";
import { webMetrics } from "./metrics-registry";
import { routePattern } from "./route-pattern";
import { activeTracing } from "./tracing-state";

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> } | undefined;

/**
 * Measures and traces one API request around the route wrapper's work: its duration goes to
 * `capliquify_http_request_duration_seconds` when METRICS_TOKEN is set, and it runs inside a span
 * (a child of Next's own request span) when tracing is on, so a job it enqueues carries the trace.
 * With neither, it is a direct call.
 */
export async function instrumentRequest(request: Request, routeContext: RouteContext, handle: () => Promise<Response>): Promise<Response> {
  const tracing = activeTracing();
  const measuring = env().METRICS_TOKEN !== undefined;
  if (!tracing && !measuring) return handle();
  const started = performance.now();
  const route = routePattern(new URL(request.url).pathname, (await routeContext?.params) ?? {});
  const response = tracing ? await tracing.requestSpan(request.method, route, handle) : await handle();
  if (measuring) {
    webMetrics().httpDuration.observe({ method: request.method, route, status: String(response.status) }, (performance.now() - started) / 1000);
  }
  return response;
}
