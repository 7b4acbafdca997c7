import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as audit from "@/app/api/v1/audit/route";
import * as pause from "@/app/api/v1/queues/[queueKey]/pause/route";
import { db } from "@/lib/db";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { invoke } from "./support";

/** The audit log API: newest first, cursor pages, filters, admin only. */
let planner: TestUser;
let admin: TestUser;
let otherAdmin: TestUser;
// A marker of this file's rows, so other files' audit entries in the same database do not interfere.
const marker = `audit-test-${Date.now()}`;

beforeAll(async () => {
  [planner, admin, otherAdmin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN"), createTestUser("ADMIN")]);
  const base = Date.UTC(2026, 0, 10, 12);
  // 7 entries one minute apart; the newest is 6 minutes after base.
  await db().auditLog.createMany({
    data: Array.from({ length: 7 }, (_, index) => ({
      actorId: index % 2 === 0 ? admin.id : otherAdmin.id,
      action: index < 4 ? "queue.clean" : "failed.retry-group",
      target: `${marker}-${index}`,
      jobCount: index * 10,
      details: { index },
      createdAt: new Date(base + index * 60_000),
    })),
  });
});

afterAll(async () => {
  await db().auditLog.deleteMany({ where: { target: { startsWith: marker } } });
});

const get = (query: string, user = admin) => invoke(audit.GET, { path: `/api/v1/audit?${query}`, auth: { apiKey: user.apiKey } });

describe("GET /api/v1/audit", () => {
  it("pages newest first with a cursor until the last page", async () => {
    const first = await get(`target=${marker}&limit=3`);
    expect(first.status, first.text).toBe(200);
    expect(first.json.entries.map((entry: { target: string }) => entry.target)).toEqual([6, 5, 4].map((index) => `${marker}-${index}`));
    expect(first.json.entries[0]).toMatchObject({ action: "failed.retry-group", jobCount: 60, details: { index: 6 }, actor: { id: admin.id, email: admin.email } });
    const second = await get(`target=${marker}&limit=3&cursor=${first.json.nextCursor}`);
    expect(second.json.entries.map((entry: { target: string }) => entry.target)).toEqual([3, 2, 1].map((index) => `${marker}-${index}`));
    const third = await get(`target=${marker}&limit=3&cursor=${second.json.nextCursor}`);
    expect(third.json.entries.map((entry: { target: string }) => entry.target)).toEqual([`${marker}-0`]);
    expect(third.json.nextCursor).toBeNull();
    expect(first.json.actions).toEqual(expect.arrayContaining(["queue.clean", "failed.retry-group"]));
    // Only the first page carries the filter's choices.
    expect(second.json).not.toHaveProperty("actions");
  });

  it("filters by action, actor (email part or id) and date range", async () => {
    const cleans = await get(`target=${marker}&action=queue.clean`);
    expect(cleans.json.entries).toHaveLength(4);
    const byEmail = await get(`target=${marker}&actor=${encodeURIComponent(otherAdmin.email.slice(0, 12).toUpperCase())}`);
    expect(byEmail.json.entries.map((entry: { target: string }) => entry.target)).toEqual([5, 3, 1].map((index) => `${marker}-${index}`));
    const byId = await get(`target=${marker}&actor=${admin.id}`);
    expect(byId.json.entries).toHaveLength(4);
    const range = await get(`target=${marker}&from=2026-01-10T12:02:00Z&to=2026-01-10T12:04:00Z`);
    expect(range.json.entries.map((entry: { target: string }) => entry.target)).toEqual([4, 3, 2].map((index) => `${marker}-${index}`));
    const day = await get(`target=${marker}&from=2026-01-10&to=2026-01-10`);
    expect(day.json.entries).toHaveLength(7);
    expect((await get(`target=${marker}&to=2026-01-09`)).json.entries).toHaveLength(0);
  });

  it("lists a pause made through the API with its actor", async () => {
    const paused = await invoke(pause.POST, { method: "POST", params: { queueKey: "analytics" }, auth: { apiKey: otherAdmin.apiKey } });
    expect(paused.status).toBe(200);
    const entries = (await get(`action=queue.pause&actor=${otherAdmin.id}`)).json.entries;
    expect(entries[0]).toMatchObject({ action: "queue.pause", target: "analytics", actor: { id: otherAdmin.id } });
    await db().auditLog.deleteMany({ where: { actorId: otherAdmin.id, action: "queue.pause" } });
  });

  it("names the bad query parameter", async () => {
    const cases: [string, RegExp][] = [
      ["from=yesterday", /query\.from/],
      ["from=2026-02-01&to=2026-01-01", /query\.to: must not be before from/],
      ["limit=0", /query\.limit: must be at least 1/],
      ["limit=500", /query\.limit: must be at most 200/],
      ["cursor=bm9wZQ", /query\.cursor: is not a cursor this API returned/],
    ];
    for (const [query, message] of cases) {
      const response = await get(query);
      expect(response.status, query).toBe(422);
      expect(response.json.error.message, query).toMatch(message);
    }
  });

  it("answers 401 without credentials and 403 to a planner", async () => {
    expect((await invoke(audit.GET, { path: "/api/v1/audit" })).status).toBe(401);
    expect((await get("", planner)).status).toBe(403);
  });
});
