// Input whose size nobody bounds: request bodies past the limit, megabyte fields echoed back in
// errors, ids long enough to break an index, and failure reasons of any length.
import { randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import * as forecasts from "@/app/api/v1/forecasts/route";
import * as failedGroups from "@/app/api/v1/failed-groups/route";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import { readBodyText } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { createRun, deleteRun, findRun, listRuns, MAX_FAILED_REASON_LENGTH, updateRun } from "@/lib/jobs/ledger";
import { failureFingerprint } from "@/lib/jobs/failure-fingerprint";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { expectErrorShape, invoke } from "./support";

let planner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
});

const LIMIT = env().API_MAX_BODY_BYTES;
const encoder = new TextEncoder();

/** A forecast request padded with trailing whitespace (still valid JSON) to exactly `size` bytes. */
function forecastBodyOf(size: number): string {
  const json = JSON.stringify({ productId: `no-such-product-${randomUUID()}`, horizon: 30 });
  return json + " ".repeat(size - encoder.encode(json).byteLength);
}

/** The body as a chunked stream: no Content-Length, so only counting can refuse it. */
function streamOf(text: string, chunkSize = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  const bytes = encoder.encode(text);
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  return { stream, pulled: () => Math.min(offset, bytes.byteLength) };
}

async function postForecast(body: BodyInit, headers: Record<string, string> = {}) {
  const request = new Request("http://localhost:3000/api/v1/forecasts", {
    method: "POST",
    headers: { host: "localhost:3000", authorization: `Bearer ${planner.apiKey}`, "content-type": "application/json", ...headers },
    body,
    duplex: "half",
  } as RequestInit);
  const response = await forecasts.POST(request, { params: Promise.resolve({}) });
  return { status: response.status, json: await response.json() };
}

describe("request bodies are capped", () => {
  it("the default limit is 1 MiB", () => {
    expect(LIMIT).toBe(1_048_576);
  });

  it("answers 413, naming the limit, for a body announced over it, before reading it", async () => {
    const { stream, pulled } = streamOf(forecastBodyOf(LIMIT + 1));
    const response = await postForecast(stream, { "content-length": String(LIMIT + 1) });
    expect(response.status).toBe(413);
    expectErrorShape(response.json, "payload-too-large");
    expect(response.json.error.message).toContain("1 MiB");
    // Only the stream's own read-ahead of one chunk, never the body.
    expect(pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  it("answers 413 for a chunked body without Content-Length, and stops reading past the limit", async () => {
    const { stream, pulled } = streamOf(forecastBodyOf(20 * LIMIT));
    const response = await postForecast(stream);
    expect(response.status).toBe(413);
    expectErrorShape(response.json, "payload-too-large");
    // Not read to the end: at most the limit plus a chunk or two of read-ahead.
    expect(pulled()).toBeLessThan(LIMIT + 4 * 64 * 1024);
  });

  it("counts the bytes even when Content-Length understates them", async () => {
    const response = await postForecast(streamOf(forecastBodyOf(2 * LIMIT)).stream, { "content-length": "10" });
    expect(response.status).toBe(413);
  });

  it("accepts a body of exactly the limit, with and without Content-Length", async () => {
    for (const [body, headers] of [
      [forecastBodyOf(LIMIT), { "content-length": String(LIMIT) }],
      [streamOf(forecastBodyOf(LIMIT)).stream, {}],
    ] as const) {
      const response = await postForecast(body, headers);
      // Read and parsed: the answer is about the product, not the size.
      expect(response.status).toBe(422);
      expect(response.json.error.details).toEqual([{ path: "body.productId", message: "no such product" }]);
    }
  });

  it("decodes multi-byte characters split across chunks", async () => {
    const text = JSON.stringify({ word: "é€😀".repeat(1000) });
    await expect(readBodyText(new Request("http://localhost/", { method: "POST", body: streamOf(text, 7).stream, duplex: "half" } as RequestInit), LIMIT)).resolves.toBe(text);
  });
});

describe("errors quote at most a short excerpt of the input", () => {
  const MEGABYTE = "x".repeat(1_000_000);

  it("an unknown option key of 1 MB", async () => {
    const response = await invoke(jobs.POST, {
      method: "POST",
      params: { queueKey: "forecast" },
      body: { name: "f", data: { productId: "p", horizon: 30 }, options: { [MEGABYTE]: 1 } },
      auth: { apiKey: planner.apiKey },
    });
    expect(response.status).toBe(422);
    expectErrorShape(response.json, "unprocessable-entity");
    expect(response.text.length).toBeLessThan(4096);
    expect(response.json.error.message).toContain("…");
  });

  it("a 1 MB product id", async () => {
    const response = await invoke(forecasts.POST, { method: "POST", body: { productId: MEGABYTE, horizon: 30 }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(422);
    expect(response.text.length).toBeLessThan(4096);
  });

  it("a 1 MB queue name in a query (an enum whose message quotes the input)", async () => {
    const response = await invoke(failedGroups.GET, { path: `/api/v1/failed-groups?queue=${MEGABYTE}`, auth: { apiKey: admin.apiKey } });
    expect(response.status).toBe(422);
    expect(response.text.length).toBeLessThan(4096);
    expect(response.json.error.message).toContain(`"${"x".repeat(100)}…"`);
  });

  it("a 1 MB organisation in a query", async () => {
    const response = await invoke(failedGroups.GET, { path: `/api/v1/failed-groups?organization=${MEGABYTE}`, auth: { apiKey: admin.apiKey } });
    expect(response.status).toBe(422);
    expect(response.text.length).toBeLessThan(4096);
  });

  it("thousands of bad items give a bounded list of details", async () => {
    const response = await invoke(forecasts.POST, {
      method: "POST",
      body: { productId: "p", horizon: 30, models: Array.from({ length: 5000 }, () => "magic") },
      auth: { apiKey: planner.apiKey },
    });
    expect(response.status).toBe(422);
    expect(response.text.length).toBeLessThan(4096);
  });
});

describe("ids long enough to break an index are refused, and the ledger takes any business key", () => {
  const LONG = "p".repeat(3000);

  it("POST /queues/forecast/jobs with a 3 KB productId: 422 naming the field", async () => {
    const response = await invoke(jobs.POST, {
      method: "POST",
      params: { queueKey: "forecast" },
      body: { name: "f", data: { productId: LONG, horizon: 30 } },
      auth: { apiKey: planner.apiKey },
    });
    expect(response.status).toBe(422);
    expect(response.json.error.details.map((detail: { path: string }) => detail.path)).toContain("body.data.productId");
  });

  it("POST /forecasts with a 3 KB productId: 422 naming the field", async () => {
    const response = await invoke(forecasts.POST, { method: "POST", body: { productId: LONG, horizon: 30 }, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(422);
    expect(response.json.error.details.map((detail: { path: string }) => detail.path)).toContain("body.productId");
  });

  it("GET /forecasts?productId= of 3 KB: 422", async () => {
    const response = await invoke(forecasts.GET, { path: `/api/v1/forecasts?productId=${LONG}`, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(422);
  });

  it("a ledger row with a 5 KB business key is stored and found by it", async () => {
    const id = `long-key-${randomUUID()}`;
    // Random, so that no compression brings it under a btree entry's ~2.7 KB.
    const businessKey = randomBytes(4000).toString("base64");
    await createRun({ id, queue: "import", name: "import", ownerId: null, organizationId: null, businessKey, data: {}, delayed: false });
    try {
      const found = await listRuns({ businessKey });
      expect(found.map((run) => run.id)).toEqual([id]);
    } finally {
      await deleteRun(id);
    }
  });
});

describe("failure reasons of any length", () => {
  it("the ledger keeps the start of a 1 MB reason", async () => {
    const id = `long-reason-${randomUUID()}`;
    await createRun({ id, queue: "export", name: "export", ownerId: null, organizationId: null, data: {}, delayed: false });
    try {
      const reason = `Upstream answered: ${"y".repeat(1_000_000)}`;
      await updateRun(id, { state: "FAILED", failedReason: reason, failureFingerprint: failureFingerprint("export", "export", reason) });
      const run = await findRun(id);
      expect(run?.failedReason).toBe(reason.slice(0, MAX_FAILED_REASON_LENGTH));
      // Recomputed from what the ledger kept, the fingerprint is the one the worker stored.
      expect(failureFingerprint("export", "export", run!.failedReason!)).toBe(run?.failureFingerprint);
    } finally {
      await deleteRun(id);
    }
  });
});
