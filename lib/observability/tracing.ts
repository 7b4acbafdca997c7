import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { BullMQOtel } from "bullmq-otel";
import { activeTracing, setActiveTracing } from "./tracing-state";

export interface TracingOptions {
  /** OTLP/HTTP base URL; spans are POSTed as JSON to `<endpoint>/v1/traces`. */
  endpoint: string;
  serviceName: string;
}

export interface StartedTracing {
  /** Exports what is buffered, stops the provider and unregisters everything. */
  shutdown(): Promise<void>;
}

/**
 * Registers a global tracer provider (W3C trace-context propagation, async-local-storage context),
 * exporting over OTLP/HTTP JSON. Next 16 emits its own request spans once a provider is
 * registered; our route wrapper adds a span per API request under it; the Queue and Worker
 * objects get BullMQ's telemetry option, so `queue.add` injects the context into the job and the
 * worker's `process` span continues the same trace, in another process, on another host.
 *
 * Loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set (instrumentation.ts, worker/main.ts).
 */
export function startTracing(options: TracingOptions): StartedTracing {
  if (activeTracing()) throw new Error("Tracing is already started in this process");
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, "")}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  setActiveTracing({
    requestSpan: requestSpan(trace.getTracer("capliquify")),
    bullmq: new BullMQOtel({ tracerName: "bullmq" }),
    flush: () => provider.forceFlush(),
  });
  return {
    async shutdown() {
      setActiveTracing(undefined);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function requestSpan(tracer: Tracer) {
  return async (method: string, route: string, handle: () => Promise<Response>): Promise<Response> => {
    // INTERNAL: the request's SERVER span is Next's own ("POST /api/v1/…"), this one's parent.
    const span = tracer.startSpan(`${method} ${route}`, {
      kind: SpanKind.INTERNAL,
      attributes: { "http.request.method": method, "http.route": route },
    });
    try {
      const response = await context.with(trace.setSpan(context.active(), span), handle);
      span.setAttribute("http.response.status_code", response.status);
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return response;
    } finally {
      span.end();
    }
  };
}
