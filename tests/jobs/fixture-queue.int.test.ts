import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as jobsList from "@/app/api/v1/jobs/route";
import * as notifications from "@/app/api/v1/notifications/route";
import * as queues from "@/app/api/v1/queues/route";
import * as details from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/details/route";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import * as runs from "@/app/api/v1/runs/route";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { queueManager } from "@/lib/jobs/queue-manager";
import { eventStreamKey, parseStreamEntry } from "@/lib/realtime/events";
import { createRedis } from "@/lib/redis";
import type { WorkerManager } from "@/worker/worker-manager";
import { FIXTURE_KEY, fixtureProcessors, fixtureQueue } from "../fixtures/fixture-queue";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { expectErrorShape, invoke } from "../api/support";

/**
 * The shape of the platform: a queue is one catalogue entry and one processor (and, for its page,
 * one form and one result view). The entry goes into the catalogue here as a new queue's author
 * would write it — its key in the key list, its definition in the catalogue — and nothing else is
 * touched: the API, the worker, the ledger search, My runs, the job page and the owner's
 * notifications must all serve it. A shared module that captured the queue list at import time,
 * or that names queues itself, fails this test.
 */
vi.mock("@/lib/jobs/queue-keys", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/jobs/queue-keys")>();
  (actual.QUEUE_KEYS as unknown as string[]).push("fixture");
  return actual;
});

vi.mock("@/lib/jobs/catalog", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/jobs/catalog")>();
  const { fixtureQueue: entry } = await import("../fixtures/fixture-queue");
  Object.assign(actual.catalog, { fixture: entry });
  return actual;
});

let planner: TestUser;
let admin: TestUser;
let worker: WorkerManager;
const reportId = `fixture-report-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
  worker = await startTestWorker([FIXTURE_KEY], fixtureProcessors);
});

afterAll(async () => {
  await worker.stop(5_000);
  await queueManager().queue(FIXTURE_KEY).obliterate({ force: true });
});

const as = (user: TestUser) => ({ auth: { apiKey: user.apiKey } });

describe("a queue added as one catalogue entry and one processor", () => {
  let jobId: string;

  it("is listed by the API and validates its jobs against its own schema", async () => {
    const overview = await invoke(queues.GET, { path: "/api/v1/queues", ...as(admin) });
    expect(overview.status, overview.text).toBe(200);
    expect(JSON.stringify(overview.json)).toContain("Fixture report");

    const bad = await invoke(jobs.POST, { method: "POST", params: { queueKey: "fixture" }, body: { name: "count", data: { reportId, rows: 0 } }, ...as(planner) });
    expect(bad.status, bad.text).toBe(422);
    expectErrorShape(bad.json, "unprocessable-entity");
    expect(bad.json.error.details[0]).toMatchObject({ path: "body.data.rows", message: "rows must be at least 1" });

    const added = await invoke(jobs.POST, { method: "POST", params: { queueKey: "fixture" }, body: { name: "count", data: { reportId, rows: 42 } }, ...as(planner) });
    expect(added.status, added.text).toBe(201);
    expect(added.json).toMatchObject({ queue: "fixture", name: "count" });
    jobId = added.json.jobId;
  });

  it("runs in the worker through its declared steps, and the ledger records it under its subject", async () => {
    const run = await waitFor(async () => {
      const found = await db().jobRun.findUnique({ where: { id: jobId } });
      return found?.state === "COMPLETED" && found;
    }, 20_000);
    expect(run).toMatchObject({ queue: "fixture", ownerId: planner.id, organizationId: planner.organizationId, businessKey: reportId, result: { success: true, reportId, rows: 42 } });

    const redis = createRedis("producer");
    const events = await waitFor(async () => {
      const entries = (await redis.xrange(eventStreamKey(env().REDIS_PREFIX), "-", "+")) as [string, string[]][];
      const mine = entries.map(parseStreamEntry).filter((event) => event?.jobId === jobId);
      return mine.some((event) => event?.event === "job:complete") && mine;
    });
    redis.disconnect();
    const steps = events.filter((event) => event!.event === "job:progress").map((event) => [event!.progress, event!.message]);
    expect(steps).toEqual(fixtureQueue.progressSteps.map((step) => [step.percent, step.message]));
    expect(events.at(-1)).toMatchObject({ event: "job:complete", type: "fixture", summary: { reportId, rows: 42 } });
  });

  const subject = { kind: "report", kindLabel: "Report", id: reportId, label: reportId, detail: null, href: `/jobs?q=${reportId}` };

  it("is found by its subject in the ledger search", async () => {
    for (const query of [`?q=${reportId}`, `?q=${reportId}&state=completed`, `?q=${reportId}&queue=fixture`]) {
      const found = await invoke(runs.GET, { path: `/api/v1/runs${query}`, ...as(admin) });
      expect(found.status, found.text).toBe(200);
      expect(found.json.runs.map((row: { id: string }) => row.id), query).toEqual([jobId]);
      expect(found.json.runs[0]).toMatchObject({ queue: "fixture", subject });
    }
  });

  it("is listed in its owner's My runs with its subject", async () => {
    const mine = await invoke(jobsList.GET, { path: "/api/v1/jobs?mine=1&queue=fixture", ...as(planner) });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.json.jobs).toHaveLength(1);
    expect(mine.json.jobs[0]).toMatchObject({ id: jobId, queue: "fixture", state: "completed", subject });
  });

  it("has a job page with its subject, its steps and its result link", async () => {
    const page = await invoke(details.GET, { params: { queueKey: "fixture", jobId }, ...as(planner) });
    expect(page.status, page.text).toBe(200);
    expect(page.json).toMatchObject({ queueLabel: "Fixture report", state: "completed" });
    expect(page.json.links).toEqual({ subject, result: { href: `/fixture-reports/${jobId}`, label: "Open the fixture report" } });
    // The timeline is written in batches: wait for the steps to land.
    const stepsOf = async () => {
      const timeline = (await invoke(details.GET, { params: { queueKey: "fixture", jobId }, ...as(planner) })).json.timeline as { kind: string; message: string }[];
      return timeline.filter((entry) => entry.kind === "progress").map((entry) => entry.message);
    };
    const expected = fixtureQueue.progressSteps.map((step) => step.message);
    const steps = await waitFor(async () => {
      const found = await stepsOf();
      return found.length >= expected.length && found;
    });
    expect(steps).toEqual(expected);
  });

  it("tells its owner in words, linking to its result", async () => {
    const inbox = await waitFor(async () => {
      const response = await invoke(notifications.GET, { path: "/api/v1/notifications", ...as(planner) });
      return response.json?.notifications?.find((notification: { jobId: string }) => notification.jobId === jobId);
    });
    expect(inbox).toMatchObject({ kind: "job.completed", queue: "fixture", title: "Fixture report completed", body: reportId, link: `/fixture-reports/${jobId}` });
  });
});
