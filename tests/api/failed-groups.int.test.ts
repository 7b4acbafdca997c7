import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as groupsRoute } from "@/app/api/v1/failed-groups/route";
import { GET as groupJobsRoute } from "@/app/api/v1/failed-groups/[fingerprint]/jobs/route";
import { GET as bulkListRoute, POST as bulkStartRoute } from "@/app/api/v1/bulk-actions/route";
import { GET as bulkGetRoute } from "@/app/api/v1/bulk-actions/[id]/route";
import { POST as previewRoute } from "@/app/api/v1/bulk-actions/preview/route";
import { closeMaintenanceQueue } from "@/lib/bulk-actions/maintenance-queue";
import { db, sqlPool } from "@/lib/db";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { failureFingerprint } from "@/lib/jobs/failure-fingerprint";
import { queueManager } from "@/lib/jobs/queue-manager";
import type { WorkerManager } from "@/worker/worker-manager";
import { call, createTestUser, type CallOptions, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { clearLedger, daysAgo, seedFailures } from "./failed-support";

let admin: TestUser;
let planner: TestUser;

beforeAll(async () => {
  admin = await createTestUser("ADMIN");
  planner = await createTestUser("PLANNER");
});

beforeEach(clearLedger);

afterAll(async () => {
  // The scale test leaves 300,000 rows; files that run later must not page through them.
  await clearLedger();
  await closeMaintenanceQueue();
});

const groups = (query = "", user: TestUser = admin) => call(groupsRoute, { path: `/api/v1/failed-groups${query}`, auth: { apiKey: user.apiKey } });

describe("failure groups", () => {
  it("groups real failures from several queues by queue, job name and normalised message", async () => {
    // Each queue's processor fails the way real integrations do: ids, numbers, hosts and quoted
    // values differ from job to job, the problem does not.
    const messages: Record<string, (n: number) => string> = {
      export: (n) => `Export cm${"x".repeat(20)}${n} failed: disk quota exceeded on volume "exports-${n}" (${n * 17} MB needed)`,
      notification: (n) => `connect ECONNREFUSED 10.0.3.${n}:587`,
      analytics: (n) => (n % 2 === 0 ? `Report window 2026-11-${10 + n} to 2026-11-${11 + n} has no data` : `Warehouse query cancelled after ${n * 1000} ms`),
    };
    // The n-th job of each queue fails with its own variant of the message.
    const numbers = new Map<string, number>();
    const thrower = (key: string) => ({
      async run(job: { id: string }): Promise<never> {
        throw new UnrecoverableError(messages[key]!(numbers.get(job.id) ?? 0));
      },
    });
    const keys = ["export", "notification", "analytics"] as const;
    // Paused while adding, so no job runs before its number is known.
    await Promise.all(keys.map((key) => queueManager().pause(key)));
    const worker: WorkerManager = await startTestWorker([...keys], {
      export: thrower("export"),
      notification: thrower("notification"),
      analytics: thrower("analytics"),
    });
    const ids: string[] = [];
    try {
      const enqueue = async (queue: (typeof keys)[number], name: string, data: object, n: number) => {
        const result = await enqueueJob({ queue, name, data, owner: admin.principal });
        if (!result.ok) throw new Error(JSON.stringify(result));
        numbers.set(result.jobId, n);
        ids.push(result.jobId);
      };
      for (let n = 1; n <= 4; n++) await enqueue("export", "products-csv", { entity: "products", format: "csv" }, n);
      for (let n = 1; n <= 3; n++) await enqueue("notification", "email-digest", { userId: admin.id, type: "EMAIL", title: "Digest", message: "b" }, n);
      // Each over another period: identical reports while one waits would be deduplicated into one job.
      for (let n = 1; n <= 4; n++) await enqueue("analytics", "kpi-report", { type: "abc-analysis", params: { startDate: "2026-01-01", endDate: `2026-02-0${n}` } }, n);
      await Promise.all(keys.map((key) => queueManager().resume(key)));
      await waitFor(async () => (await db().jobRun.count({ where: { id: { in: ids }, state: "FAILED" } })) === ids.length, 20_000);
    } finally {
      await worker.stop(5_000);
    }

    const { status, json } = await groups("?sort=count");
    expect(status).toBe(200);
    const byPattern = Object.fromEntries(json.groups.map((group: any) => [group.pattern, group]));
    expect(json.groups).toHaveLength(4);
    expect(json.totalJobs).toBe(11);
    const exportGroup = byPattern["Export <id> failed: disk quota exceeded on volume <value> (<n> MB needed)"];
    expect(exportGroup).toMatchObject({ queue: "export", name: "products-csv", count: 4 });
    expect(exportGroup.fingerprint).toBe(failureFingerprint("export", "products-csv", messages.export!(1)));
    expect(exportGroup.sampleJobIds).toHaveLength(3);
    expect(byPattern["connect ECONNREFUSED <address>"]).toMatchObject({ queue: "notification", name: "email-digest", count: 3 });
    expect(byPattern["Report window <date> to <date> has no data"]).toMatchObject({ queue: "analytics", count: 2 });
    expect(byPattern["Warehouse query cancelled after <n> ms"]).toMatchObject({ queue: "analytics", count: 2 });
    // Biggest first when sorted by count; first seen never after last seen.
    expect(json.groups[0].count).toBe(4);
    for (const group of json.groups) expect(new Date(group.firstSeen).getTime()).toBeLessThanOrEqual(new Date(group.lastSeen).getTime());

    // Filters: by queue, and by text in the pattern or reason.
    const notifications = await groups("?queue=notification");
    expect(notifications.json.groups.map((group: any) => group.queue)).toEqual(["notification"]);
    const quota = await groups("?q=QUOTA");
    expect(quota.json.groups.map((group: any) => group.name)).toEqual(["products-csv"]);
  });

  it("groups failures recorded before fingerprints existed with the new ones, fingerprinting them as it reads", async () => {
    const message = (index: number) => `Product c${"k".repeat(24)}${index} has only ${index + 3} days of sales history; at least 60 are needed`;
    await seedFailures({ queue: "forecast", name: "forecast", count: 2, message, inRedis: false });
    const legacy = await seedFailures({ queue: "forecast", name: "forecast", count: 3, message: (index) => message(index + 10), inRedis: false, withoutFingerprint: true });
    const { json } = await groups();
    expect(json.groups).toHaveLength(1);
    expect(json.groups[0]).toMatchObject({ count: 5, pattern: "Product <id> has only <n> days of sales history; at least <n> are needed" });
    expect(json.ungrouped).toBe(0);
    const rows = await db().jobRun.findMany({ where: { id: { in: legacy } } });
    expect(rows.every((row) => row.failureFingerprint === json.groups[0].fingerprint)).toBe(true);
  });

  it("shows only failures within their queue's retention (7 days, 30 for imports) while the ledger keeps the older ones", async () => {
    const recent = await seedFailures({ queue: "forecast", name: "forecast", count: 1, message: () => "Model fit diverged", failedAt: daysAgo(6), inRedis: false });
    const expiredForecast = await seedFailures({ queue: "forecast", name: "forecast", count: 2, message: () => "Model fit diverged", failedAt: daysAgo(8), inRedis: false });
    const keptImport = await seedFailures({ queue: "import", name: "sales-csv", count: 2, message: () => "Row 12: quantity is not a number", failedAt: daysAgo(8), inRedis: false });
    const expiredImport = await seedFailures({ queue: "import", name: "sales-csv", count: 1, message: () => "Row 12: quantity is not a number", failedAt: daysAgo(31), inRedis: false });

    const { json } = await groups();
    const counts = Object.fromEntries(json.groups.map((group: any) => [group.queue, group.count]));
    expect(counts).toEqual({ forecast: 1, import: 2 });
    const forecastGroup = json.groups.find((group: any) => group.queue === "forecast");
    expect(forecastGroup.sampleJobIds).toEqual(recent);
    const importGroup = json.groups.find((group: any) => group.queue === "import");
    expect(new Set(importGroup.sampleJobIds)).toEqual(new Set(keptImport));

    // The group's job list applies the same window.
    const page = await call(groupJobsRoute, { path: `/api/v1/failed-groups/${forecastGroup.fingerprint}/jobs`, params: { fingerprint: forecastGroup.fingerprint }, auth: { apiKey: admin.apiKey } });
    expect(page.json.jobs.map((job: any) => job.id)).toEqual(recent);
    expect(page.json.group.count).toBe(1);

    // The ledger still holds every failure as FAILED, with its reason: history outlives the desk.
    const old = await db().jobRun.findMany({ where: { id: { in: [...expiredForecast, ...expiredImport] } } });
    expect(old).toHaveLength(3);
    expect(old.every((row) => row.state === "FAILED" && row.failedReason !== null)).toBe(true);
  });

  it("keeps a failure Redis dropped in the ledger as FAILED; the preview counts it as no longer in the queue", async () => {
    const ids = await seedFailures({ queue: "sync", name: "shopify-orders", count: 3, message: () => "Shopify answered 429 Too Many Requests" });
    // What Redis retention (removeOnFail age) or a clean does: the job is gone from Redis.
    await queueManager().queue("sync").remove(ids[0]!);
    const dropped = await db().jobRun.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(dropped).toMatchObject({ state: "FAILED", failedReason: "Shopify answered 429 Too Many Requests", removedAt: null });

    const fingerprint = failureFingerprint("sync", "shopify-orders", "Shopify answered 429 Too Many Requests");
    const preview = await call(previewRoute, { method: "POST", path: "/api/v1/bulk-actions/preview", body: { action: "retry", target: { fingerprint } }, auth: { apiKey: admin.apiKey } });
    expect(preview.status).toBe(200);
    expect(preview.json).toEqual({ action: "retry", total: 3, inQueue: 2, notInQueue: 1, queues: [{ queue: "sync", count: 3 }] });

    const selected = await call(previewRoute, {
      method: "POST",
      path: "/api/v1/bulk-actions/preview",
      body: { action: "remove", target: { jobIds: [ids[1], ids[2], "no-such-job"] } },
      auth: { apiKey: admin.apiKey },
    });
    expect(selected.json).toMatchObject({ action: "remove", total: 2, inQueue: 2, notInQueue: 0 });
  });

  it("pages a group's jobs newest first by keyset, without repeats", async () => {
    const start = Date.now() - 3_600_000;
    const all: string[] = [];
    // Three batches at different times, two of them sharing a timestamp, so the id breaks ties.
    for (const [offset, count] of [[0, 40], [60_000, 40], [60_000, 40]] as const) {
      all.push(...(await seedFailures({ queue: "export", name: "orders-xlsx", count, message: () => "Template missing", failedAt: new Date(start + offset), inRedis: false })));
    }
    const fingerprint = failureFingerprint("export", "orders-xlsx", "Template missing");
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=50&cursor=${cursor}` : "?limit=50";
      const page = await call(groupJobsRoute, { path: `/api/v1/failed-groups/${fingerprint}/jobs${query}`, params: { fingerprint }, auth: { apiKey: admin.apiKey } });
      expect(page.status).toBe(200);
      expect(page.json.group).toMatchObject({ count: 120, queue: "export", name: "orders-xlsx", pattern: "Template missing" });
      seen.push(...page.json.jobs.map((job: any) => job.id));
      const times = page.json.jobs.map((job: any) => new Date(job.failedAt).getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(120);
    expect(new Set(seen)).toEqual(new Set(all));

    const bad = await call(groupJobsRoute, { path: `/api/v1/failed-groups/${fingerprint}/jobs?cursor=nonsense`, params: { fingerprint }, auth: { apiKey: admin.apiKey } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0].path).toBe("query.cursor");
    const unknown = await call(groupJobsRoute, { path: `/api/v1/failed-groups/xyz/jobs`, params: { fingerprint: "xyz" }, auth: { apiKey: admin.apiKey } });
    expect(unknown.status).toBe(404);
    const empty = await call(groupJobsRoute, { path: `/api/v1/failed-groups/${"0".repeat(20)}/jobs`, params: { fingerprint: "0".repeat(20) }, auth: { apiKey: admin.apiKey } });
    expect(empty.json).toMatchObject({ group: null, jobs: [], nextCursor: null });
  });
});

describe("access and input", () => {
  const fingerprint = "0123456789abcdef0123";
  const endpoints: { name: string; handler: unknown; options: CallOptions }[] = [
    { name: "GET failed-groups", handler: groupsRoute, options: { path: "/api/v1/failed-groups" } },
    { name: "GET group jobs", handler: groupJobsRoute, options: { path: `/api/v1/failed-groups/${fingerprint}/jobs`, params: { fingerprint } } },
    { name: "POST preview", handler: previewRoute, options: { method: "POST", path: "/api/v1/bulk-actions/preview", body: { action: "retry", target: { fingerprint } } } },
    { name: "POST bulk-actions", handler: bulkStartRoute, options: { method: "POST", path: "/api/v1/bulk-actions", body: { action: "retry", target: { fingerprint } } } },
    { name: "GET bulk-actions", handler: bulkListRoute, options: { path: "/api/v1/bulk-actions" } },
    { name: "GET bulk-action", handler: bulkGetRoute, options: { path: "/api/v1/bulk-actions/nope", params: { id: "nope" } } },
  ];

  it.each(endpoints)("$name: anonymous 401, planner 403 (key and session), admin allowed", async ({ handler, options }) => {
    expect((await call(handler as never, options)).status).toBe(401);
    expect((await call(handler as never, { ...options, auth: { apiKey: planner.apiKey } })).status).toBe(403);
    expect((await call(handler as never, { ...options, auth: { cookie: planner.cookie }, headers: { origin: "http://localhost:3000" } })).status).toBe(403);
    const asAdmin = await call(handler as never, { ...options, auth: { apiKey: admin.apiKey } });
    // Allowed through: the answer is about the (empty) data, never about access.
    expect([200, 202, 404, 409]).toContain(asAdmin.status);
    expect([401, 403]).not.toContain(asAdmin.status);
  });

  it("refuses a cross-site bulk action from a browser session", async () => {
    const response = await call(bulkStartRoute, {
      method: "POST",
      path: "/api/v1/bulk-actions",
      body: { action: "retry", target: { fingerprint } },
      auth: { cookie: admin.cookie },
      headers: { origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
  });

  it.each([
    { path: "body.action", body: { action: "purge", target: { fingerprint } } },
    { path: "body.target", body: { action: "retry" } },
    { path: "body.target", body: { action: "retry", target: {} } },
    { path: "body.target", body: { action: "retry", target: { fingerprint, jobIds: ["a"] } } },
    { path: "body.target.fingerprint", body: { action: "retry", target: { fingerprint: "not-a-fingerprint" } } },
    { path: "body.target.jobIds", body: { action: "retry", target: { jobIds: [] } } },
    { path: "body.target.jobIds", body: { action: "retry", target: { jobIds: Array.from({ length: 1_001 }, (_, index) => `job-${index}`) } } },
    { path: "body.target.jobIds.0", body: { action: "retry", target: { jobIds: [""] } } },
    { path: "body.target", body: { action: "remove", target: { fingerprint, extra: 1 } } },
  ])("answers 422 naming $path (case %#)", async ({ body, path }) => {
    for (const handler of [previewRoute, bulkStartRoute]) {
      const response = await call(handler, { method: "POST", path: "/api/v1/bulk-actions", body, auth: { apiKey: admin.apiKey } });
      expect(response.status).toBe(422);
      expect(response.json.error.details.map((detail: any) => detail.path)).toContain(path);
      expect(response.json.error.message).toContain(path);
    }
  });

  it("answers 422 for bad query values and 409 when nothing matches", async () => {
    const badQueue = await groups("?queue=mail");
    expect(badQueue.status).toBe(422);
    expect(badQueue.json.error.details[0].path).toBe("query.queue");
    const badSort = await groups("?sort=size");
    expect(badSort.json.error.details[0].path).toBe("query.sort");
    const badLimit = await call(bulkListRoute, { path: "/api/v1/bulk-actions?limit=0", auth: { apiKey: admin.apiKey } });
    expect(badLimit.json.error.details[0].path).toBe("query.limit");
    const nothing = await call(bulkStartRoute, { method: "POST", path: "/api/v1/bulk-actions", body: { action: "retry", target: { fingerprint } }, auth: { apiKey: admin.apiKey } });
    expect(nothing.status).toBe(409);
    expect(nothing.json.error.message).toMatch(/nothing to retry/);
    const missing = await call(bulkGetRoute, { path: "/api/v1/bulk-actions/nope", params: { id: "nope" }, auth: { apiKey: admin.apiKey } });
    expect(missing.status).toBe(404);
  });
});

describe("scale", () => {
  // Speed is measured by `npm run bench` (part 4), not asserted here; this checks the counts at that
  // size and that the plan stays an index-only scan, which is what keeps it fast.
  it("groups 100,000 failures through an index-only scan", async () => {
    // 100,000 failures in 840 groups across all seven queues, plus 200,000 other runs around them.
    await sqlPool(db()).query(
      `INSERT INTO "JobRun" ("id", "queue", "name", "state", "data", "failedReason", "failureFingerprint", "attempts", "createdAt", "finishedAt", "updatedAt")
       SELECT 'bulk-f-' || g, (ARRAY['forecast','optimization','sync','import','export','notification','analytics'])[1 + g % 7], 'job-' || (g % 3),
              'FAILED', '{}'::jsonb, 'Error ' || (g % 40) || ' on item ' || g, substr(md5((g % 7)::text || '-' || (g % 3) || '-' || (g % 40)), 1, 20), 3,
              (now() AT TIME ZONE 'UTC') - (g % 500000) * interval '1 second', (now() AT TIME ZONE 'UTC') - (g % 500000) * interval '1 second', now()
       FROM generate_series(1, 100000) g;
       INSERT INTO "JobRun" ("id", "queue", "name", "state", "data", "attempts", "createdAt", "finishedAt", "updatedAt")
       SELECT 'bulk-c-' || g, (ARRAY['forecast','optimization','sync','import','export','notification','analytics'])[1 + g % 7], 'job-' || (g % 3),
              'COMPLETED', '{}'::jsonb, 1, now(), now(), now()
       FROM generate_series(1, 200000) g;`,
    );
    await sqlPool(db()).query(`VACUUM ANALYZE "JobRun"`);
    const { json } = await groups();
    expect(json.totalJobs).toBe(100_000);
    // (queue, name, error) cycle through 7 × 3 × 40 combinations: 840 groups, each in one queue.
    expect(json.totalGroups).toBe(840);

    const fingerprint = json.groups[0].fingerprint;
    const page = await call(groupJobsRoute, { path: `/api/v1/failed-groups/${fingerprint}/jobs`, params: { fingerprint }, auth: { apiKey: admin.apiKey } });
    expect(page.json.jobs).toHaveLength(50);

    const { rows } = await sqlPool(db()).query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT "failureFingerprint", count(*) FROM "JobRun" WHERE "state" = 'FAILED' AND "removedAt" IS NULL AND "failureFingerprint" IS NOT NULL
       AND "finishedAt" >= now() - interval '30 days' GROUP BY "failureFingerprint"`,
    );
    expect(rows.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(/Index Only Scan using "JobRun_state_failureFingerprint_queue_finishedAt_removedAt_idx"/);
  }, 120_000);
});
