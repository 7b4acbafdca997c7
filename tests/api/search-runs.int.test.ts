import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as runs from "@/app/api/v1/runs/route";
import { db } from "@/lib/db";
import type { JobState } from "@/lib/generated/prisma/client";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { queueManager } from "@/lib/jobs/queue-manager";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { expectErrorShape, invoke } from "./support";

/**
 * Search across queues through the ledger: by product SKU or name, job id or name, owner, state and
 * creation date, newest first with a keyset cursor, including runs Redis no longer holds.
 */
let admin: TestUser;
let planner: TestUser;
let otherPlanner: TestUser;
let hinge: { id: string; sku: string };
let bolt: { id: string; sku: string };
const tag = randomUUID().slice(0, 6);

beforeAll(async () => {
  [admin, planner, otherPlanner] = await Promise.all([createTestUser("ADMIN"), createTestUser("PLANNER"), createTestUser("PLANNER")]);
  await db().user.update({ where: { id: otherPlanner.id }, data: { name: `Grace Hopper ${tag}` } });
  hinge = await db().product.create({ data: { organizationId: planner.organizationId, sku: `HNG-${tag}`, name: `Brass hinge ${tag}`, category: "Hardware", unitCost: 2 } });
  bolt = await db().product.create({ data: { organizationId: planner.organizationId, sku: `BLT-${tag}`, name: `Steel bolt ${tag}`, category: "Hardware", unitCost: 1 } });
});

afterAll(async () => {
  await Promise.all(["forecast", "export"].map((key) => queueManager().queue(key as "forecast").obliterate({ force: true })));
});

const search = (user: TestUser | null, query: string) => invoke(runs.GET, { path: `/api/v1/runs${query}`, ...(user ? { auth: { apiKey: user.apiKey } } : {}) });
const ids = (response: { json: { runs: { id: string }[] } }) => response.json.runs.map((run) => run.id);

async function forecast(owner: TestUser, productId: string) {
  const result = await enqueueJob({ queue: "forecast", name: "forecast", data: { productId, horizon: 30 }, owner: owner.principal });
  if (!result.ok) throw new Error(result.code);
  return result.jobId;
}

/** A ledger row written as the worker would leave it, at a chosen time (history beyond Redis). */
async function historic(owner: TestUser, createdAt: string, state: JobState, extra: { queue?: string; name?: string; businessKey?: string } = {}) {
  const id = randomUUID();
  await db().jobRun.create({
    data: { id, queue: extra.queue ?? "export", name: extra.name ?? `export-${tag}`, ownerId: owner.id, businessKey: extra.businessKey, state, data: {}, createdAt: new Date(createdAt) },
  });
  return id;
}

describe("GET /api/v1/runs", () => {
  it("finds a product's runs by SKU or by name, including one whose Redis job was removed", async () => {
    const first = await forecast(planner, hinge.id);
    const second = await forecast(otherPlanner, hinge.id);
    const other = await forecast(planner, bolt.id);
    // Retention dropped the first one from Redis; the ledger still has it.
    await (await queueManager().getJob("forecast", first))!.remove();
    expect(await queueManager().getJob("forecast", first)).toBeUndefined();

    const bySku = await search(admin, `?q=${hinge.sku.toLowerCase()}`);
    expect(bySku.status, bySku.text).toBe(200);
    expect(ids(bySku)).toEqual([second, first]);
    expect(bySku.json.runs[1]).toMatchObject({
      id: first,
      queue: "forecast",
      state: "waiting",
      subject: { kind: "product", kindLabel: "Product", id: hinge.id, label: hinge.sku, detail: `Brass hinge ${tag}`, href: `/jobs?q=${hinge.id}` },
      owner: { id: planner.id, email: planner.email },
    });
    expect(ids(await search(admin, `?q=${encodeURIComponent(`brass hinge ${tag}`)}`))).toEqual([second, first]);
    expect(ids(await search(admin, `?q=${encodeURIComponent(`Steel bolt ${tag}`)}`))).toEqual([other]);
    // A job id finds that job; the product's id (its subject link) finds its runs.
    expect(ids(await search(admin, `?q=${other}`))).toEqual([other]);
    expect(ids(await search(admin, `?q=${hinge.id}`))).toEqual([second, first]);
  });

  it("finds runs about every kind of subject: users by name or email, the others by exact id, each kind in its own queues", async () => {
    // A notification is about its recipient; an export about the entity it exports (a report, no table).
    const notice = await historic(admin, "2025-02-01T08:00:00Z", "COMPLETED", { queue: "notification", name: "notify", businessKey: otherPlanner.id });
    const report = await historic(admin, "2025-02-02T08:00:00Z", "COMPLETED", { queue: "export", name: "report-export", businessKey: `report-${tag}` });
    // An export whose business key happens to be the user's id is not "about" that user.
    const unrelated = await historic(admin, "2025-02-03T08:00:00Z", "COMPLETED", { queue: "export", name: "odd-export", businessKey: otherPlanner.id });

    const byName = await search(admin, `?q=${encodeURIComponent(`grace hopper ${tag}`)}`);
    expect(byName.status, byName.text).toBe(200);
    expect(ids(byName)).toEqual([notice]);
    expect(byName.json.runs[0].subject).toEqual({ kind: "user", kindLabel: "User", id: otherPlanner.id, label: `Grace Hopper ${tag}`, detail: otherPlanner.email, href: `/jobs?q=${otherPlanner.id}` });
    const byEmail = await search(admin, `?q=${encodeURIComponent(otherPlanner.email)}&state=completed`);
    expect(byEmail.status, byEmail.text).toBe(200);
    expect(ids(byEmail)).toEqual([notice]);
    expect(ids(await search(admin, `?q=${encodeURIComponent(`grace hopper ${tag}`)}&queue=export`))).toEqual([]);
    // An exact id matches whatever kind it is.
    expect(ids(await search(admin, `?q=${otherPlanner.id}`))).toEqual([unrelated, notice]);

    const byReport = await search(admin, `?q=report-${tag}`);
    expect(ids(byReport)).toEqual([report]);
    expect(byReport.json.runs[0].subject).toEqual({ kind: "report", kindLabel: "Report", id: `report-${tag}`, label: `report-${tag}`, detail: null, href: `/jobs?q=report-${tag}` });
    expect(ids(await search(admin, `?q=report-${tag}&state=completed&queue=export`))).toEqual([report]);
    expect(ids(await search(admin, `?q=report`))).not.toContain(report);
  });

  it("filters by owner (email or name), state, queue, job name and creation date", async () => {
    const old = await historic(otherPlanner, "2025-03-10T08:00:00Z", "COMPLETED");
    const cancelled = await historic(otherPlanner, "2025-03-11T08:00:00Z", "CANCELLED");
    const failed = await historic(planner, "2025-03-12T08:00:00Z", "FAILED");
    const later = await historic(planner, "2025-04-01T08:00:00Z", "COMPLETED");

    const byName = await search(admin, `?owner=${encodeURIComponent(`grace hopper ${tag}`)}&queue=export`);
    expect(ids(byName)).toEqual([cancelled, old]);
    expect(ids(await search(admin, `?owner=${encodeURIComponent(otherPlanner.email.toUpperCase())}&queue=export`))).toEqual([cancelled, old]);
    expect(ids(await search(admin, `?state=cancelled&name=export-${tag}`))).toEqual([cancelled]);
    expect((await search(admin, `?state=cancelled&name=export-${tag}`)).json.runs[0].state).toBe("cancelled");
    expect(ids(await search(admin, `?state=completed&queue=export&name=export-${tag}`))).toEqual([later, old]);
    expect(ids(await search(admin, `?q=export-${tag}&from=2025-03-11&to=2025-03-12`))).toEqual([failed, cancelled]);
    expect(ids(await search(admin, `?name=export-${tag}&from=2025-03-12T00:00:00Z`))).toEqual([later, failed]);
    expect(ids(await search(admin, `?name=export-${tag}&state=failed&owner=${encodeURIComponent(planner.email)}`))).toEqual([failed]);
    expect((await search(admin, `?owner=nobody-${tag}`)).json).toEqual({ runs: [], nextCursor: null });
    // A search term is literal text: % does not match everything.
    expect((await search(admin, "?q=%25&queue=export")).json.runs).toEqual([]);
  });

  it("pages newest first with a cursor: every row once, ties on the creation time broken by id", async () => {
    const name = `paging-${tag}`;
    const created: string[] = [];
    for (let index = 0; index < 7; index++) {
      // Pairs share a timestamp, so the cursor must use the id as well.
      created.push(await historic(planner, `2025-05-0${1 + Math.floor(index / 2)}T10:00:00Z`, "COMPLETED", { name }));
    }
    const expected = [...created].sort((a, b) => {
      const time = (id: string) => created.indexOf(id) >> 1;
      return time(b) - time(a) || (a < b ? 1 : -1);
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await search(admin, `?name=${name}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status, response.text).toBe(200);
      seen.push(...ids(response));
      cursor = response.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);

    // The same with a state filter (one ordered branch per queue and state).
    const stateSeen: string[] = [];
    cursor = null;
    do {
      const response = await search(admin, `?name=${name}&state=completed&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      stateSeen.push(...ids(response));
      cursor = response.json.nextCursor;
    } while (cursor);
    expect(stateSeen).toEqual(expected);
  });

  it("is admin-only and names bad parameters", async () => {
    expect((await search(null, "")).status).toBe(401);
    const forbidden = await search(planner, "");
    expect(forbidden.status).toBe(403);
    expectErrorShape(forbidden.json, "forbidden");
    const cases: [string, string][] = [
      ["?state=stuck", "query.state"],
      ["?queue=nope", "query.queue"],
      ["?from=yesterday", "query.from"],
      ["?from=2025-03-12&to=2025-03-01", "query.to"],
      ["?cursor=bm9wZQ", "query.cursor"],
      ["?limit=0", "query.limit"],
      ["?limit=500", "query.limit"],
    ];
    for (const [query, path] of cases) {
      const response = await search(admin, query);
      expect(response.status, query).toBe(422);
      expectErrorShape(response.json, "unprocessable-entity");
      expect(response.json.error.details[0].path, query).toBe(path);
    }
  });
});
