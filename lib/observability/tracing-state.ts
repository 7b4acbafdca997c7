import type { Telemetry } from "bullmq";

/**
 * What the rest of the code needs from tracing, when it is on. This module imports types only, so
 * with OTEL_EXPORTER_OTLP_ENDPOINT unset no OpenTelemetry code is ever loaded: the route wrapper
 * and the Queue/Worker construction sites find nothing here and take their plain path.
 * `./tracing` (loaded on demand by instrumentation.ts and the worker's entry) fills it.
 */
export interface ActiveTracing {
  /**
   * Runs an API request inside a span of its own (a child of Next's request span when there is
   * one), so everything it does — a `queue.add` above all — joins the request's trace.
   */
  requestSpan(method: string, route: string, handle: () => Promise<Response>): Promise<Response>;
  /** BullMQ's telemetry option: the job carries the trace context from `add` to the worker's `process`. */
  bullmq: Telemetry;
  /** Exports the spans still buffered. */
  flush(): Promise<void>;
}

// On globalThis, like the other process-wide singletons: Next may load this module once per route
// bundle, and every copy must see the one registration.
const slot = globalThis as unknown as { __capliquifyTracing?: ActiveTracing };

export function activeTracing(): ActiveTracing | undefined {
  return slot.__capliquifyTracing;
}

export function setActiveTracing(tracing: ActiveTracing | undefined): void {
  slot.__capliquifyTracing = tracing;
}
