/**
 * Runs once when the web server starts: parse the environment now, so a bad variable stops the
 * server with a message naming it instead of failing every request later; then, only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, register the tracer provider (Next's own request spans
 * appear once one is registered). The Node-only modules are imported behind the runtime check so
 * the Edge bundle never sees them.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkEnvAtStart } = await import("./lib/check-env-at-start");
    checkEnvAtStart();
    const { startTracingIfConfigured } = await import("./lib/observability/start-tracing");
    await startTracingIfConfigured("capliquify-web");
  }
}
