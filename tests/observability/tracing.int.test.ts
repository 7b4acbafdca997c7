import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as enqueueRoute } from "@/app/api/v1/queues/[queueKey]/jobs/route";
import { register } from "@/instrumentation";
import { db } from "@/lib/db";
import { QueueManager } from "@/lib/jobs/queue-manager";
import { startTracing, type StartedTracing } from "@/lib/observability/tracing";
import { activeTracing } from "@/lib/observability/tracing-state";
import type { WorkerManager } from "@/worker/worker-manager";
import { documentedResult } from "../helpers/documented-jobs";
import { call, createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";

/** A span as the OTLP/HTTP JSON exporter sends it (ids in hex). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  service: string;
}

const OTLP_KIND = { internal: 1, producer: 4, consumer: 5 };

/** A local OTLP/HTTP collector: accepts POST /v1/traces (JSON) and keeps the spans. */
let receiver: Server;
let endpoint: string;
const received: OtlpSpan[] = [];
const contentTypes = new Set<string>();
let admin: TestUser;
let tracing: StartedTracing | undefined;
let worker: WorkerManager | undefined;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== "/v1/traces") {
        response.writeHead(404).end();
        return;
      }
      contentTypes.add(String(request.headers["content-type"]));
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = resourceSpans.resource?.attributes?.find((attribute: { key: string }) => attribute.key === "service.name")?.value?.stringValue;
        for (const scope of resourceSpans.scopeSpans ?? []) for (const span of scope.spans ?? []) received.push({ ...span, service });
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  admin = await createTestUser("ADMIN");
});

afterAll(async () => {
  await worker?.stop(5_000);
  await tracing?.shutdown();
  await new Promise((resolve) => receiver.close(resolve));
});

describe("OpenTelemetry traces", () => {
  it("registers nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset: no provider, no telemetry on queues", async () => {
    const runtime = process.env.NEXT_RUNTIME;
    process.env.NEXT_RUNTIME = "nodejs";
    try {
      await register();
    } finally {
      if (runtime === undefined) delete process.env.NEXT_RUNTIME;
      else process.env.NEXT_RUNTIME = runtime;
    }
    expect(activeTracing()).toBeUndefined();
    // @opentelemetry/api keeps its registrations on this global; nothing put a tracer provider there.
    const registrations = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[Symbol.for("opentelemetry.js.api.1")];
    expect(registrations?.trace).toBeUndefined();
    const manager = new QueueManager();
    try {
      expect(manager.queue("export").opts.telemetry).toBeUndefined();
    } finally {
      await manager.close();
    }
  });

  it("follows one trace from the API request through queue.add to the worker's processing", async () => {
    tracing = startTracing({ endpoint, serviceName: "capliquify-test" });
    worker = await startTestWorker(["export"], { export: { run: async () => documentedResult("export") } });

    const response = await call(enqueueRoute, {
      method: "POST",
      path: "/api/v1/queues/export/jobs",
      params: { queueKey: "export" },
      auth: { apiKey: admin.apiKey },
      body: { name: "traced-export", data: { entity: "products", format: "csv" } },
    });
    expect(response.status).toBe(201);
    const jobId = response.json.jobId as string;
    await waitFor(async () => (await db().jobRun.findUnique({ where: { id: jobId } }))?.state === "COMPLETED", 20_000);

    const spans = await waitFor(async () => {
      await activeTracing()!.flush();
      const request = received.find((span) => span.name === "POST /api/v1/queues/[queueKey]/jobs");
      const add = received.find((span) => span.name === "add export-queue.traced-export");
      const process = received.find((span) => span.name === "process export-queue" && add && span.traceId === add.traceId);
      return request && add && process && { request, add, process };
    }, 15_000, 100);

    expect(contentTypes).toEqual(new Set(["application/json"]));
    const { request, add, process } = spans;
    // Under `next start` this span's parent is Next's own SERVER span; here the handler is called directly.
    expect(request.kind).toBe(OTLP_KIND.internal);
    expect(add.kind).toBe(OTLP_KIND.producer);
    expect(process.kind).toBe(OTLP_KIND.consumer);
    // One trace: the request's span is the add's parent, and the worker's process span continues the add's context.
    expect(add.traceId).toBe(request.traceId);
    expect(process.traceId).toBe(request.traceId);
    expect(add.parentSpanId).toBe(request.spanId);
    expect(process.parentSpanId).toBe(add.spanId);
    expect(request.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(request.attributes).toContainEqual({ key: "http.route", value: { stringValue: "/api/v1/queues/[queueKey]/jobs" } });
    expect(request.attributes).toContainEqual({ key: "http.response.status_code", value: { intValue: 201 } });
    expect(new Set([request.service, add.service, process.service])).toEqual(new Set(["capliquify-test"]));
  });
});
