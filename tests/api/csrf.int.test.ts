import { beforeAll, describe, expect, it } from "vitest";
import * as clean from "@/app/api/v1/queues/[queueKey]/clean/route";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import * as pause from "@/app/api/v1/queues/[queueKey]/pause/route";
import * as stats from "@/app/api/v1/queues/[queueKey]/stats/route";
import * as queues from "@/app/api/v1/queues/route";
import { isSameOrigin } from "@/lib/auth/principal";
import { buildRequest, createTestUser, type TestUser } from "../helpers/fixtures";
import { invoke, runsOf, SAME_ORIGIN } from "./support";

/**
 * Cookie sessions ride along with any request the browser makes, so a cookie-authenticated
 * mutation must prove it came from our own pages. API keys are never sent by a browser on its own,
 * so they need no such proof.
 */
let planner: TestUser;
let admin: TestUser;

const addJob = (auth: { apiKey?: string; cookie?: string }, headers: Record<string, string> = {}) =>
  invoke(jobs.POST, {
    method: "POST",
    path: "/api/v1/queues/export/jobs",
    params: { queueKey: "export" },
    body: { name: "csrf", data: { entity: "products", format: "csv" } },
    auth,
    headers,
  });

beforeAll(async () => {
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
});

describe("cookie-authenticated POST", () => {
  it.each([
    ["a foreign Origin", { origin: "https://evil.example" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: cross-site with our Origin", { "sec-fetch-site": "cross-site", origin: "http://localhost:3000" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site", origin: "http://localhost:3000" }],
    ["a foreign Origin claiming same-origin", { origin: "https://evil.example", "sec-fetch-site": "same-origin" }],
    ["Origin: null (sandboxed frame)", { origin: "null" }],
    ["an Origin on another port", { origin: "http://localhost:4000" }],
    ["neither Origin nor Sec-Fetch-Site", {}],
    ["a forged X-Forwarded-Host naming the foreign Origin (no trusted proxy)", { origin: "https://evil.example", "x-forwarded-host": "evil.example" }],
  ])("is refused with %s", async (_label, headers) => {
    const response = await addJob({ cookie: planner.cookie }, headers);
    expect(response.status).toBe(403);
    expect(response.json.error).toMatchObject({ code: "forbidden", message: expect.stringMatching(/cross-site/i) });
  });

  it("wrote nothing for the refused requests", async () => {
    expect(await runsOf(planner.id)).toHaveLength(0);
  });

  it.each([
    ["same Origin and host", { origin: "http://localhost:3000" }],
    ["same Origin and Sec-Fetch-Site: same-origin", SAME_ORIGIN],
    ["Sec-Fetch-Site: same-origin without Origin", { "sec-fetch-site": "same-origin" }],
  ])("is accepted with %s", async (_label, headers) => {
    const response = await addJob({ cookie: planner.cookie }, headers);
    expect(response.status, response.text).toBe(201);
  });

  it("an admin's cross-site pause is refused and the queue keeps running", async () => {
    const response = await invoke(pause.POST, {
      method: "POST",
      params: { queueKey: "forecast" },
      auth: { cookie: admin.cookie },
      headers: { origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    const after = await invoke(stats.GET, { params: { queueKey: "forecast" }, auth: { apiKey: admin.apiKey } });
    expect(after.json.isPaused).toBe(false);
  });

  it("an admin's cross-site clean is refused", async () => {
    const response = await invoke(clean.POST, {
      method: "POST",
      params: { queueKey: "forecast" },
      body: { type: "completed" },
      auth: { cookie: admin.cookie },
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(response.status).toBe(403);
  });
});

describe("behind a proxy (TRUST_PROXY)", () => {
  const request = (headers: Record<string, string>) => buildRequest({ method: "POST", path: "/api/v1/queues/export/jobs", headers });

  it("is off by default: X-Forwarded-Host is ignored and the Host header decides", () => {
    expect(isSameOrigin(request({ origin: "https://app.example", "x-forwarded-host": "app.example" }))).toBe(false);
    expect(isSameOrigin(request({ origin: "http://localhost:3000", "x-forwarded-host": "app.example" }))).toBe(true);
  });

  it("when trusted, the forwarded host and protocol name the public origin", () => {
    const trusted = { trustProxy: true };
    expect(isSameOrigin(request({ origin: "https://app.example", "x-forwarded-host": "app.example", "x-forwarded-proto": "https" }), trusted)).toBe(true);
    expect(isSameOrigin(request({ origin: "https://app.example", "x-forwarded-host": "app.example, inner.local" }), trusted)).toBe(true);
    expect(isSameOrigin(request({ origin: "http://app.example", "x-forwarded-host": "app.example", "x-forwarded-proto": "https" }), trusted)).toBe(false);
    expect(isSameOrigin(request({ origin: "http://localhost:3000", "x-forwarded-host": "app.example" }), trusted)).toBe(false);
    // Without forwarded headers the Host header still decides.
    expect(isSameOrigin(request({ origin: "http://localhost:3000" }), trusted)).toBe(true);
  });
});

describe("reads and API keys", () => {
  it("a cookie GET from another site is answered (reads change nothing)", async () => {
    const response = await invoke(queues.GET, { auth: { cookie: planner.cookie }, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } });
    expect(response.status).toBe(200);
  });

  it("an API-key POST needs no Origin", async () => {
    const response = await addJob({ apiKey: planner.apiKey });
    expect(response.status, response.text).toBe(201);
  });

  it("an API-key POST is not tied to an Origin either", async () => {
    const response = await addJob({ apiKey: planner.apiKey }, { origin: "https://script-host.example", "sec-fetch-site": "cross-site" });
    expect(response.status, response.text).toBe(201);
  });
});
