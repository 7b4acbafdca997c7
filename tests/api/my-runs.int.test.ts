import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import * as jobsList from "@/app/api/v1/jobs/route";
import { db } from "@/lib/db";
import type { JobState } from "@/lib/generated/prisma/client";
import { listRecentRuns } from "@/lib/jobs/job-status";
import { ETA_SAMPLE_SIZE, estimateEta, runDurationStats } from "@/lib/jobs/run-eta";
import { etaText, roughDuration } from "@/components/runs/eta";
import { call, createTestOrganization, createTestUser, type TestUser } from "../helpers/fixtures";
import { expectErrorShape } from "./support";

/**
 * GET /api/v1/jobs as the "My runs" page uses it: the caller's own runs, filters, cursor pages and
 * ETAs from the ledger's history. Rows are written straight into the ledger so their timestamps
 * (and so the durations the ETA is computed from) are exact.
 */
let planner: TestUser;
let otherPlanner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [planner, otherPlanner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("PLANNER"), createTestUser("ADMIN")]);
});

let clock = Date.UTC(2026, 10, 1, 8, 0, 0);

interface RunSpec {
  owner: TestUser | null;
  queue?: string;
  name?: string;
  state?: JobState;
  /** Run time of a finished run, or time since start of an active one. */
  durationMs?: number;
  createdAt?: Date;
  businessKey?: string;
}

/** Ledger rows created one second apart, in the order given (the last is the newest). */
async function runs(...specs: RunSpec[]): Promise<string[]> {
  const rows = specs.map((spec) => {
    clock += 1000;
    const createdAt = spec.createdAt ?? new Date(clock);
    const state = spec.state ?? "WAITING";
    const startedAt = state === "COMPLETED" || state === "FAILED" || state === "ACTIVE" ? createdAt : null;
    const finishedAt = (state === "COMPLETED" || state === "FAILED") && startedAt ? new Date(startedAt.getTime() + (spec.durationMs ?? 1000)) : null;
    return {
      id: randomUUID(),
      queue: spec.queue ?? "export",
      name: spec.name ?? "export-job",
      ownerId: spec.owner?.id ?? null,
      // As enqueueing stamps it: a planner's runs work for their organisation.
      organizationId: spec.owner?.organizationId ?? null,
      businessKey: spec.businessKey ?? null,
      state,
      data: { entity: "products", format: "csv" },
      createdAt,
      startedAt,
      finishedAt,
    };
  });
  await db().jobRun.createMany({ data: rows });
  return rows.map((row) => row.id);
}

const list = (user: TestUser, query = "") => call(jobsList.GET, { path: `/api/v1/jobs${query}`, auth: { apiKey: user.apiKey } });

describe("only the caller's runs", () => {
  it("a planner never sees another user's runs, whatever the filters say", async () => {
    const [own] = await runs({ owner: planner, queue: "import", name: "mine" });
    const [theirs] = await runs({ owner: otherPlanner, queue: "import", name: "theirs" }, { owner: null, queue: "import", name: "system" });
    for (const query of ["", "?mine=0", "?queue=import", "?queue=import&state=waiting", "?limit=100", `?businessKey=${encodeURIComponent("x")}`]) {
      const response = await list(planner, query);
      expect(response.status, response.text).toBe(200);
      const ids = response.json.jobs.map((job: { id: string }) => job.id);
      expect(ids).not.toContain(theirs);
      expect(response.json.jobs.every((job: { ownerId: string }) => job.ownerId === planner.id)).toBe(true);
      if (!query.includes("businessKey")) expect(ids).toContain(own);
    }
  });

  it("an admin's My runs (mine=1) holds only their own runs; without it, everyone's", async () => {
    // Other files share the test ledger (some with thousands of sync runs): this test's runs carry their own business key.
    const businessKey = `erp-${randomUUID()}`;
    const [adminRun] = await runs({ owner: admin, queue: "sync", name: "admin-sync", businessKey });
    const [plannerRun] = await runs({ owner: planner, queue: "sync", name: "planner-sync", businessKey });
    const mine = await list(admin, `?mine=1&queue=sync&businessKey=${businessKey}`);
    expect(mine.json.jobs.map((job: { id: string }) => job.id)).toEqual([adminRun]);
    const all = await list(admin, `?queue=sync&businessKey=${businessKey}`);
    expect(all.json.jobs.map((job: { id: string }) => job.id)).toEqual([plannerRun, adminRun]);
  });
});

describe("what each run is about", () => {
  it("carries its subject: a product by SKU and name (a planner's own organisation's only), a kind with no table by its id, else none", async () => {
    const user = await createTestUser("PLANNER");
    const elsewhere = await createTestOrganization();
    const [own, foreign] = await Promise.all([
      db().product.create({ data: { organizationId: user.organizationId, sku: `OWN-${randomUUID().slice(0, 6)}`, name: "Brass hinge", category: "Hardware", unitCost: 2 } }),
      db().product.create({ data: { organizationId: elsewhere.id, sku: `FOR-${randomUUID().slice(0, 6)}`, name: "Not theirs", category: "Hardware", unitCost: 2 } }),
    ]);
    const [ownRun, foreignRun, exportRun, bareRun] = await runs(
      { owner: user, queue: "forecast", name: `forecast:${own.sku}`, businessKey: own.id },
      { owner: user, queue: "optimization", name: "optimise", businessKey: foreign.id },
      { owner: user, queue: "export", name: "export-products", businessKey: "products" },
      { owner: user, queue: "export", name: "no business key" },
    );
    const subjects = (response: { json: { jobs: { id: string; subject: unknown }[] } }) => new Map(response.json.jobs.map((job) => [job.id, job.subject]));

    const mine = subjects(await list(user));
    expect(mine.get(ownRun)).toEqual({ kind: "product", kindLabel: "Product", id: own.id, label: own.sku, detail: "Brass hinge", href: `/jobs?q=${own.id}` });
    expect(mine.get(foreignRun)).toEqual({ kind: "product", kindLabel: "Product", id: foreign.id, label: foreign.id, detail: null, href: `/jobs?q=${foreign.id}` });
    expect(mine.get(exportRun)).toEqual({ kind: "report", kindLabel: "Report", id: "products", label: "products", detail: null, href: "/jobs?q=products" });
    expect(mine.get(bareRun)).toBeNull();
    // The platform's admins see every organisation's subjects named.
    const everyone = subjects(await list(admin, "?limit=100&queue=optimization"));
    expect(everyone.get(foreignRun)).toMatchObject({ label: foreign.sku, detail: "Not theirs" });
  });
});

describe("filters and pages", () => {
  let user: TestUser;
  let ids: Record<string, string[]>;

  beforeAll(async () => {
    user = await createTestUser("PLANNER");
    const created = await runs(
      { owner: user, queue: "export", state: "COMPLETED" },
      { owner: user, queue: "export", state: "FAILED" },
      { owner: user, queue: "export", state: "PRIORITIZED" },
      { owner: user, queue: "export", state: "WAITING" },
      { owner: user, queue: "analytics", name: "turnover", state: "ACTIVE" },
      { owner: user, queue: "export", state: "DELAYED" },
      { owner: user, queue: "export", state: "CANCELLED" },
    );
    ids = { completed: [created[0]!], failed: [created[1]!], waiting: [created[3]!, created[2]!], active: [created[4]!], delayed: [created[5]!], cancelled: [created[6]!] };
  });

  it("by state, where waiting covers the jobs waiting in priority order", async () => {
    for (const [state, expected] of Object.entries(ids)) {
      const response = await list(user, `?state=${state}`);
      expect(response.status).toBe(200);
      expect(response.json.jobs.map((job: { id: string }) => job.id), state).toEqual(expected);
      expect(response.json.jobs.every((job: { state: string }) => job.state === state || (state === "waiting" && job.state === "prioritized"))).toBe(true);
    }
  });

  it("by queue, and by queue and state together", async () => {
    const analytics = await list(user, "?queue=analytics");
    expect(analytics.json.jobs.map((job: { id: string }) => job.id)).toEqual(ids.active);
    const exportFailed = await list(user, "?queue=export&state=failed");
    expect(exportFailed.json.jobs.map((job: { id: string }) => job.id)).toEqual(ids.failed);
    expect((await list(user, "?queue=analytics&state=failed")).json.jobs).toEqual([]);
  });

  it("pages newest first through a cursor, without gaps or repeats, even when runs share a creation time", async () => {
    const paged = await createTestUser("PLANNER");
    const base = clock + 10_000;
    clock += 20_000;
    const at = (offset: number) => new Date(base + offset);
    const created = await runs(
      { owner: paged, createdAt: at(0) },
      { owner: paged, createdAt: at(1000) },
      { owner: paged, createdAt: at(1000) },
      { owner: paged, createdAt: at(1000) },
      { owner: paged, createdAt: at(2000) },
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await list(paged, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(response.status, response.text).toBe(200);
      expect(response.json.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...response.json.jobs.map((job: { id: string }) => job.id));
      cursor = response.json.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    expect(seen[0]).toBe(created[4]);
    expect(seen[4]).toBe(created[0]);
    const createdAt = await db().jobRun.findMany({ where: { id: { in: seen } }, select: { id: true, createdAt: true } });
    const order = seen.map((id) => createdAt.find((row) => row.id === id)!.createdAt.getTime());
    expect([...order].sort((a, b) => b - a)).toEqual(order);
  });

  it("a cursor that is not one, a state or a queue that does not exist: 422 naming the field", async () => {
    const cursor = await list(user, "?cursor=not-a-cursor");
    expect(cursor.status).toBe(422);
    expectErrorShape(cursor.json, "unprocessable-entity");
    expect(cursor.json.error.details[0].path).toBe("query.cursor");
    const state = await list(user, "?state=done");
    expect(state.status).toBe(422);
    expect(state.json.error.details[0].path).toBe("query.state");
    expect(state.json.error.message).toContain("waiting, active, delayed, completed, failed, cancelled");
    const queue = await list(user, "?queue=nope");
    expect(queue.status).toBe(422);
    expect(queue.json.error.details[0].path).toBe("query.queue");
  });
});

describe("ETA from past run times", () => {
  it("waiting and running jobs get the median of their type's completed runs; finished ones get none", async () => {
    const name = `eta-${randomUUID().slice(0, 8)}`;
    await runs(
      { owner: otherPlanner, queue: "analytics", name, state: "COMPLETED", durationMs: 10_000 },
      { owner: otherPlanner, queue: "analytics", name, state: "COMPLETED", durationMs: 40_000 },
      { owner: otherPlanner, queue: "analytics", name, state: "COMPLETED", durationMs: 20_000 },
      // Failed runs say nothing about how long a successful one takes.
      { owner: otherPlanner, queue: "analytics", name, state: "FAILED", durationMs: 900_000 },
    );
    const [waiting, active, done] = await runs(
      { owner: planner, queue: "analytics", name, state: "WAITING" },
      { owner: planner, queue: "analytics", name, state: "ACTIVE" },
      { owner: planner, queue: "analytics", name, state: "COMPLETED", durationMs: 5_000 },
    );
    const response = await list(planner, "?queue=analytics&limit=100");
    const byId = new Map(response.json.jobs.map((job: { id: string }) => [job.id, job]));
    // The completed run just added is a fourth sample: median of 5, 10, 20, 40 s.
    expect((byId.get(waiting!) as { eta: unknown }).eta).toEqual({ expectedMs: 15_000, remainingMs: null, basis: "name", samples: 4 });
    const activeEta = (byId.get(active!) as { eta: { expectedMs: number; remainingMs: number } }).eta;
    expect(activeEta.expectedMs).toBe(15_000);
    // It "started" at its creation time, long ago on the test clock: overdue, so 0, never negative.
    expect(activeEta.remainingMs).toBe(0);
    expect((byId.get(done!) as { eta: unknown }).eta).toBeNull();
  });

  it("a running job's remaining time is the median less the time it has run", async () => {
    const user = await createTestUser("PLANNER");
    const name = `eta-${randomUUID().slice(0, 8)}`;
    await runs(
      { owner: user, queue: "analytics", name, state: "COMPLETED", durationMs: 60_000 },
      { owner: user, queue: "analytics", name, state: "COMPLETED", durationMs: 60_000 },
      { owner: user, queue: "analytics", name, state: "COMPLETED", durationMs: 60_000 },
    );
    const [active] = await runs({ owner: user, queue: "analytics", name, state: "ACTIVE" });
    const startedAt = (await db().jobRun.findUniqueOrThrow({ where: { id: active! } })).startedAt!.getTime();
    const [job] = await listRecentRuns({ ownerId: user.id, state: "active" }, { now: startedAt + 20_000 });
    expect(job!.eta).toEqual({ expectedMs: 60_000, remainingMs: 40_000, basis: "name", samples: 3 });
  });

  it("no history, no ETA", async () => {
    const [waiting] = await runs({ owner: planner, queue: "optimization", name: `never-run-${randomUUID()}` });
    const response = await list(planner, "?queue=optimization&state=waiting&limit=100");
    expect(response.json.jobs.find((job: { id: string }) => job.id === waiting).eta).toBeNull();
  });

  it("a job name with too little history falls back to its queue's runs; only the latest runs count", async () => {
    const queue = `eta-queue-${randomUUID().slice(0, 8)}`;
    await runs(
      // Old and slow: pushed out of the sample by the newer runs.
      ...Array.from({ length: 10 }, () => ({ owner: null, queue, name: "old", state: "COMPLETED" as const, durationMs: 500_000 })),
      ...Array.from({ length: ETA_SAMPLE_SIZE }, (_, index) => ({ owner: null, queue, name: `n${index % 5}`, state: "COMPLETED" as const, durationMs: 2_000 })),
      { owner: null, queue, name: "rare", state: "COMPLETED", durationMs: 90_000 },
    );
    const stats = await runDurationStats([
      { queue, name: "rare" },
      { queue, name: "n1" },
    ]);
    // "rare" has one run: the queue's median (latest 50 runs) stands in.
    expect(estimateEta({ queue, name: "rare", state: "waiting", startedAt: null }, stats)).toEqual({
      expectedMs: 2_000,
      remainingMs: null,
      basis: "queue",
      samples: ETA_SAMPLE_SIZE,
    });
    expect(estimateEta({ queue, name: "n1", state: "delayed", startedAt: null }, stats)).toMatchObject({ expectedMs: 2_000, basis: "name", samples: 10 });
    expect(estimateEta({ queue, name: "n1", state: "failed", startedAt: null }, stats)).toBeNull();
  });
});

describe("existing fields stay", () => {
  it("rows keep the JobStatus shape the forecasts page reads", async () => {
    const [id] = await runs({ owner: planner, queue: "forecast", name: "forecast:SKU-1", state: "COMPLETED" });
    const response = await list(planner, "?queue=forecast&mine=1&limit=10");
    const job = response.json.jobs.find((row: { id: string }) => row.id === id);
    expect(job).toMatchObject({ id, queue: "forecast", name: "forecast:SKU-1", state: "completed", ownerId: planner.id, source: "ledger", eta: null });
    for (const field of ["progress", "progressMessage", "data", "result", "failedReason", "createdAt", "startedAt", "finishedAt", "attemptsMade"]) {
      expect(job).toHaveProperty(field);
    }
    expect(response.json).toHaveProperty("nextCursor");
  });
});

describe("what the page says about an ETA", () => {
  const now = Date.parse("2026-11-01T10:00:00Z");
  const eta = { expectedMs: 150_000, remainingMs: null, basis: "name" as const, samples: 12 };

  it("rounds durations the way people say them", () => {
    expect(roughDuration(400)).toBe("1 s");
    expect(roughDuration(8_000)).toBe("8 s");
    expect(roughDuration(42_000)).toBe("40 s");
    expect(roughDuration(150_000)).toBe("3 min");
    expect(roughDuration(3_600_000)).toBe("1 h");
    expect(roughDuration(4_500_000)).toBe("1 h 15 min");
  });

  it("a waiting job: its run time once started, never a clock time", () => {
    expect(etaText({ state: "waiting", eta, startedAt: null, finishedAt: null }, now)).toMatchObject({ label: "~3 min once started" });
    expect(etaText({ state: "waiting", eta, startedAt: null, finishedAt: null }, now)!.explanation).toContain("median of the last 12 completed runs of this job");
  });

  it("a running job counts down from its start, and says so when it overruns", () => {
    const startedAt = new Date(now - 90_000).toISOString();
    expect(etaText({ state: "active", eta, startedAt, finishedAt: null }, now)!.label).toBe("~1 min left");
    const late = new Date(now - 600_000).toISOString();
    expect(etaText({ state: "active", eta, startedAt: late, finishedAt: null }, now)!.label).toBe("any moment (longer than usual)");
  });

  it("no history says so; a finished job says how long it took", () => {
    expect(etaText({ state: "waiting", eta: null, startedAt: null, finishedAt: null }, now)!.label).toBe("no estimate yet");
    expect(etaText({ state: "completed", eta: null, startedAt: "2026-11-01T09:00:00Z", finishedAt: "2026-11-01T09:00:12Z" }, now)!.label).toBe("took 10 s");
    expect(etaText({ state: "failed", eta: null, startedAt: null, finishedAt: null }, now)).toBeNull();
  });
});
