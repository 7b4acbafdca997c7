import { env } from "../env";
import type { StartedTracing } from "./tracing";

/**
 * Starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise loads nothing (the SDK and
 * the exporter are imported only here, on demand) and answers undefined.
 */
export async function startTracingIfConfigured(defaultServiceName: string): Promise<StartedTracing | undefined> {
  const { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: serviceName } = env();
  if (!endpoint) return undefined;
  const { startTracing } = await import("./tracing");
  return startTracing({ endpoint, serviceName: serviceName ?? defaultServiceName });
}
