import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as route from "@/app/admin/queues/[[...path]]/route";
import { appRoutes, buildHistoryRoutes } from "@bull-board/api/dist/routes.js";
import { auditEntryFor, BULL_BOARD_ACTIONS, bullBoardAction, classifyBullBoardPath } from "@/lib/bull-board/access";
import { db } from "@/lib/db";
import { QUEUE_KEYS, queueDefinition } from "@/lib/jobs/catalog";
import { queueManager } from "@/lib/jobs/queue-manager";
import { call, createTestUser, type TestUser } from "../helpers/fixtures";
import { BullmqScope, expectErrorShape, SAME_ORIGIN } from "./support";

/**
 * The embedded bull-board through its catch-all route handler, as Next calls it: every path under
 * /admin/queues (HTML, static files, JSON API) is admin-only.
 */
let planner: TestUser;
let admin: TestUser;
const bull = new BullmqScope();

beforeAll(async () => {
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
});

afterAll(async () => {
  await bull.close();
  delete (globalThis as { __capliquifyBullBoard?: unknown }).__capliquifyBullBoard;
});

const HTML = { accept: "text/html,application/xhtml+xml" };
let assetPath: string;

async function firstAssetPath(): Promise<string> {
  if (assetPath) return assetPath;
  const page = await call(route.GET, { path: "/admin/queues", auth: { cookie: admin.cookie }, headers: HTML });
  const match = /src="(static\/js\/[^"]+\.js)"/.exec(page.text);
  expect(match, "the board's HTML names its scripts").not.toBeNull();
  assetPath = `/admin/queues/${match![1]}`;
  return assetPath;
}

describe("anonymous", () => {
  it("a browser opening the board is sent to sign in, and comes back to it", async () => {
    const response = await call(route.GET, { path: "/admin/queues", headers: HTML });
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/signin?callbackUrl=%2Fadmin%2Fqueues");
    const deep = await call(route.GET, { path: "/admin/queues/queue/forecast-queue?status=failed", headers: HTML });
    expect(deep.status).toBe(307);
    expect(decodeURIComponent(deep.headers.get("location")!.split("callbackUrl=")[1]!)).toBe("/admin/queues/queue/forecast-queue?status=failed");
  });

  it("static files and the JSON API answer 401", async () => {
    const asset = await call(route.GET, { path: await firstAssetPath() });
    expect(asset.status).toBe(401);
    expectErrorShape(asset.json, "unauthorized");
    const api = await call(route.GET, { path: "/admin/queues/api/queues" });
    expect(api.status).toBe(401);
    expectErrorShape(api.json, "unauthorized");
    const mutation = await call(route.PUT, { method: "PUT", path: "/admin/queues/api/queues/forecast-queue/pause" });
    expect(mutation.status).toBe(401);
    expect(await queueManager().queue("forecast").isPaused()).toBe(false);
  });

  it("a forged session cookie is not a session", async () => {
    const response = await call(route.GET, { path: "/admin/queues/api/queues", auth: { cookie: "next-auth.session-token=forged" } });
    expect(response.status).toBe(401);
  });
});

describe("planners", () => {
  it("get a 403 page for the board", async () => {
    const response = await call(route.GET, { path: "/admin/queues", auth: { cookie: planner.cookie }, headers: HTML });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.text).toContain("Admins only");
    expect(response.text).not.toContain("__UI_CONFIG__");
  });

  it("get 403 for static files and the API, with a cookie or an API key", async () => {
    for (const auth of [{ cookie: planner.cookie }, { apiKey: planner.apiKey }]) {
      const asset = await call(route.GET, { path: await firstAssetPath(), auth });
      expect(asset.status).toBe(403);
      expectErrorShape(asset.json, "forbidden");
      const api = await call(route.GET, { path: "/admin/queues/api/queues", auth });
      expect(api.status).toBe(403);
      expectErrorShape(api.json, "forbidden");
    }
    const pause = await call(route.PUT, { method: "PUT", path: "/admin/queues/api/queues/forecast-queue/pause", auth: { cookie: planner.cookie }, headers: SAME_ORIGIN });
    expect(pause.status).toBe(403);
    expect(await queueManager().queue("forecast").isPaused()).toBe(false);
  });
});

describe("admins", () => {
  it("get the board's page, titled and styled as CapLiquify's", async () => {
    const response = await call(route.GET, { path: "/admin/queues", auth: { cookie: admin.cookie }, headers: HTML });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.text).toContain('<base href="/admin/queues/"');
    expect(response.text).toContain("<title>CapLiquify queues</title>");
    const config = JSON.parse(/<script id="__UI_CONFIG__" type="application\/json">(.*?)<\/script>/s.exec(response.text)![1]!);
    expect(config.boardTitle).toBe("CapLiquify queues");
    expect(config.miscLinks).toContainEqual({ text: "Back to the dashboard", url: "/queues" });
    // Nothing from another origin, which the Content-Security-Policy would block.
    expect(response.text).not.toMatch(/(?:href|src)="https?:/);
    // Client-side routes of the board are served the same page.
    const deep = await call(route.GET, { path: "/admin/queues/queue/forecast-queue", auth: { cookie: admin.cookie }, headers: HTML });
    expect(deep.status).toBe(200);
    expect(deep.text).toContain("__UI_CONFIG__");
  });

  it("get its static files", async () => {
    const response = await call(route.GET, { path: await firstAssetPath(), auth: { cookie: admin.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/javascript/);
    expect(response.text.length).toBeGreaterThan(1000);
  });

  it("/api/queues lists the seven catalogue queues under their labels", async () => {
    const response = await call(route.GET, { path: "/admin/queues/api/queues", auth: { cookie: admin.cookie } });
    expect(response.status, response.text).toBe(200);
    const queues = response.json.queues as { name: string; displayName?: string; description?: string }[];
    expect(queues.map((queue) => queue.name).sort()).toEqual(QUEUE_KEYS.map((key) => queueDefinition(key).name).sort());
    const forecast = queues.find((queue) => queue.name === "forecast-queue")!;
    expect(forecast.displayName).toBe("Demand forecast");
  });

  it("an admin API key works too", async () => {
    const response = await call(route.GET, { path: "/admin/queues/api/queues", auth: { apiKey: admin.apiKey } });
    expect(response.status).toBe(200);
  });

  it("a change through the board is refused cross-site, and audited when same-origin", async () => {
    const path = "/admin/queues/api/queues/analytics-queue/pause";
    const crossSite = await call(route.PUT, { method: "PUT", path, auth: { cookie: admin.cookie }, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect(await queueManager().queue("analytics").isPaused()).toBe(false);

    const paused = await call(route.PUT, { method: "PUT", path, auth: { cookie: admin.cookie }, headers: SAME_ORIGIN });
    expect(paused.status, paused.text).toBeLessThan(300);
    expect(await queueManager().queue("analytics").isPaused()).toBe(true);
    const resumed = await call(route.PUT, { method: "PUT", path: "/admin/queues/api/queues/analytics-queue/resume", auth: { cookie: admin.cookie }, headers: SAME_ORIGIN });
    expect(resumed.status).toBeLessThan(300);
    expect(await queueManager().queue("analytics").isPaused()).toBe(false);

    const entries = await db().auditLog.findMany({ where: { actorId: admin.id }, orderBy: { createdAt: "asc" } });
    expect(entries.map((entry) => [entry.action, entry.target])).toEqual([
      ["bull-board.queue.pause", "analytics"],
      ["bull-board.queue.resume", "analytics"],
    ]);
  });

  it("refuses the board's calls that would bypass the catalogue or the ledger, and says where to do them", async () => {
    await queueManager().addJob("export", "e", { entity: "products", format: "csv" }, { jobId: "bb-refused-1" });
    const attempts = [
      { method: "POST", path: "/admin/queues/api/queues/export-queue/add", body: { name: "x", data: { anything: true } }, says: /Add jobs through CapLiquify/ },
      { method: "PATCH", path: "/admin/queues/api/queues/export-queue/bb-refused-1/update-data", body: { data: { kind: "nope" } }, says: /Duplicate/ },
      { method: "PUT", path: "/admin/queues/api/queues/export-queue/empty", says: /Clean on the CapLiquify queues page/ },
      { method: "PUT", path: "/admin/queues/api/queues/export-queue/obliterate", says: /Clean on the CapLiquify queues page/ },
    ] as const;
    for (const attempt of attempts) {
      const handler = route[attempt.method];
      const response = await call(handler, { method: attempt.method, path: attempt.path, body: "body" in attempt ? attempt.body : undefined, auth: { cookie: admin.cookie }, headers: SAME_ORIGIN });
      expect(response.status, attempt.path).toBe(403);
      expect(response.json.error.message).toMatch(attempt.says);
    }
    const job = await queueManager().getJob("export", "bb-refused-1");
    expect(job?.data).toEqual({ entity: "products", format: "csv" });
    expect(await queueManager().queue("export").count()).toBeGreaterThan(0);
  });

  describe("refusals decide on the path bull-board routes, however it is spelled", () => {
    // Each refused action by the path bull-board knows it by, and the word its refusal hangs on.
    const refused = [
      { method: "POST", dir: "/admin/queues/api/queues/export-queue", word: "add", body: { name: "x", data: { anything: true } } },
      { method: "PATCH", dir: "/admin/queues/api/queues/export-queue/bb-encoded-1", word: "update-data", body: { data: { kind: "nope" } } },
      { method: "PUT", dir: "/admin/queues/api/queues/export-queue", word: "empty" },
      { method: "PUT", dir: "/admin/queues/api/queues/export-queue", word: "obliterate" },
    ] as const;
    const hex = (char: string) => `%${char.charCodeAt(0).toString(16)}`;
    const tricks: [string, (dir: string, word: string) => string][] = [
      ["its first letter percent-encoded", (dir, word) => `${dir}/${hex(word[0]!)}${word.slice(1)}`],
      ["every letter in lower-case hex", (dir, word) => `${dir}/${[...word].map(hex).join("")}`],
      ["every letter in upper-case hex", (dir, word) => `${dir}/${[...word].map((char) => hex(char).toUpperCase()).join("")}`],
      ["a hyphen as %2D, or a letter as %2D's neighbours would be", (dir, word) => `${dir}/${word.includes("-") ? word.replace("-", "%2D") : `${word.slice(0, -1)}%${word.at(-1)!.charCodeAt(0).toString(16).toUpperCase()}`}`],
      ["double encoding (%25)", (dir, word) => `${dir}/%25${word.charCodeAt(0).toString(16)}${word.slice(1)}`],
      ["a ;param", (dir, word) => `${dir}/${word};x=1`],
      ["a trailing slash", (dir, word) => `${dir}/${word}/`],
      ["an empty segment (//)", (dir, word) => `${dir}//${word}`],
      ["a /./ segment", (dir, word) => `${dir}/./${word}`],
      ["a /../ segment", (dir, word) => `${dir}/x/../${word}`],
      ["an encoded dot-segment (%2e%2e)", (dir, word) => `${dir}/x/%2e%2E/${word}`],
      ["an encoded slash (%2F)", (dir, word) => `${dir}%2F${word}`],
      ["an encoded slash in lower case (%2f)", (dir, word) => `${dir}%2f${word}`],
      ["an encoded backslash (%5C)", (dir, word) => `${dir}%5C${word}`],
      ["an encoded 'api' (%61pi), so it would not look like the API", (dir, word) => `${dir.replace("/api/", "/%61pi/")}/${word}`],
    ];
    const cases = refused.flatMap((action) => tricks.map(([trick, spell]) => ({ ...action, trick, path: spell(action.dir, action.word) })));

    beforeAll(async () => {
      await queueManager().addJob("export", "e", { entity: "products", format: "csv" }, { jobId: "bb-encoded-1" });
    });

    it.each(cases)("$method $word with $trick ($path) is refused", async ({ method, path, ...attempt }) => {
      const before = await queueManager().queue("export").count();
      const response = await call(route[method], { method, path, body: "body" in attempt ? attempt.body : undefined, auth: { cookie: admin.cookie }, headers: SAME_ORIGIN });
      expect([400, 403], response.text).toContain(response.status);
      expect((await queueManager().getJob("export", "bb-encoded-1"))?.data).toEqual({ entity: "products", format: "csv" });
      expect(await queueManager().queue("export").count()).toBe(before);
    });

    it("an allowed change spelled with escapes is the change bull-board makes, and is audited as that", async () => {
      const response = await call(route.PUT, { method: "PUT", path: "/admin/queues/api/queues/%61nalytics%2Dqueue/pa%75se", auth: { cookie: admin.cookie }, headers: SAME_ORIGIN });
      expect(response.status, response.text).toBeLessThan(300);
      expect(await queueManager().queue("analytics").isPaused()).toBe(true);
      await queueManager().queue("analytics").resume();
      const entry = await db().auditLog.findFirst({ where: { actorId: admin.id, action: "bull-board.queue.pause" }, orderBy: { createdAt: "desc" } });
      expect(entry).toMatchObject({ target: "analytics", details: { path: "/admin/queues/api/queues/analytics-queue/pause" } });
    });

    it("a change bull-board does not offer is refused rather than passed on", async () => {
      const response = await call(route.DELETE, { method: "DELETE", path: "/admin/queues/api/queues/export-queue", auth: { cookie: admin.cookie }, headers: SAME_ORIGIN });
      expect(response.status).toBe(403);
      expect(response.json.error.message).toMatch(/no such change/);
    });
  });

  it("a retry of one job through the board is audited with the job", async () => {
    const job = await queueManager().addJob("export", "e", { entity: "products", format: "csv" }, { jobId: "bb-retry-1" });
    await bull.failJobs("export", 1);
    expect(await job.getState()).toBe("failed");
    const response = await call(route.PUT, { method: "PUT", path: "/admin/queues/api/queues/export-queue/bb-retry-1/retry", auth: { cookie: admin.cookie }, headers: SAME_ORIGIN });
    expect(response.status, response.text).toBeLessThan(300);
    expect(await job.getState()).not.toBe("failed");
    const entry = await db().auditLog.findFirst({ where: { actorId: admin.id, action: "bull-board.job.retry" } });
    expect(entry).toMatchObject({ target: "export/bb-retry-1", jobCount: 1 });
  });
});

describe("paths and audit entries", () => {
  it("names every change bull-board's API offers, in the order its router tries them", () => {
    const history = buildHistoryRoutes({} as never, { hasUsage: true, canPurge: true, hasLatency: true });
    const offered = [...appRoutes.api, ...history]
      .filter((entry) => entry.method !== "get")
      .map((entry) => `${String(entry.method).toUpperCase()} ${String(entry.route).replace(/^\/api/, "").replace(/:(queueName)/, ":queue").replace(/:jobId/, ":job").replace(/:queueStatus/, ":status").replace(/:schedulerId/, ":scheduler")}`);
    expect(BULL_BOARD_ACTIONS.map((entry) => `${entry.method} ${entry.route}`)).toEqual(offered);
  });

  it("classifies pages, static files and API calls", () => {
    expect(classifyBullBoardPath("/admin/queues")).toBe("page");
    expect(classifyBullBoardPath("/admin/queues/queue/forecast-queue")).toBe("page");
    expect(classifyBullBoardPath("/admin/queues/static/js/main.js")).toBe("asset");
    expect(classifyBullBoardPath("/admin/queues/api/queues")).toBe("api");
    expect(classifyBullBoardPath("/admin/queues/%61pi/queues")).toBe("api");
    expect(classifyBullBoardPath("/admin/queues/%73tatic/js/main.js")).toBe("asset");
  });

  it("names each change by queue key, job and state", () => {
    const entry = (method: string, path: string, body?: string) => auditEntryFor(bullBoardAction(method, path.split("/").slice(1))!, `/admin/queues/api${path}`, body);
    expect(entry("PUT", "/queues/forecast-queue/clean/failed")).toMatchObject({
      action: "bull-board.queue.clean",
      target: "forecast",
      details: { status: "failed", via: "bull-board" },
    });
    expect(entry("PATCH", "/queues/sync-queue/abc/priority", '{"priority":2}')).toMatchObject({
      action: "bull-board.job.change-priority",
      target: "sync/abc",
      jobCount: 1,
      details: { body: { priority: 2 } },
    });
    expect(entry("PUT", "/queues/pause")).toMatchObject({ action: "bull-board.queues.pause-all", target: "all" });
    // A route bull-board adds later is no action of ours until it is named.
    expect(bullBoardAction("PUT", ["something", "new"])).toBeUndefined();
  });
});
