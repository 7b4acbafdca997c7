import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db";
import { cancelJob } from "@/lib/jobs/cancel-job";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { findHeldLedgerWrite, heldLedgerWritesKey, holdLedgerWrites, newHeldWrite } from "@/lib/jobs/held-ledger-writes";
import { withOwner } from "@/lib/jobs/job-data";
import { getJobStatus, listRunsPage } from "@/lib/jobs/job-status";
import { createRun } from "@/lib/jobs/ledger";
import { cleanQueue } from "@/lib/jobs/queue-control";
import { removeJob } from "@/lib/jobs/remove-job";
import { queueManager, type QueueManager } from "@/lib/jobs/queue-manager";
import { LOST_REASON, reconcileLedger } from "@/lib/jobs/reconcile-ledger";
import { requestJobCancel } from "@/lib/jobs/worker-registry";
import { eventStreamKey, parseStreamEntry } from "@/lib/realtime/events";
import { createRedis, sharedRedis } from "@/lib/redis";
import { MaintenanceWorker } from "@/worker/maintenance/maintenance-worker";
import type { Processor } from "@/worker/processor";
import type { WorkerManager } from "@/worker/worker-manager";
import { documentedResult } from "../helpers/documented-jobs";
import { createTestUser } from "../helpers/fixtures";
import { flakyDb, type FlakyDb } from "../helpers/flaky-db";
import { startTestWorker, waitFor } from "../helpers/worker";

const prefix = () => process.env.REDIS_PREFIX!;
let planner: Principal;
let admin: Principal;
let flaky: FlakyDb;
const workers: WorkerManager[] = [];
const LEDGER_UPDATE = /^\s*UPDATE\s+("public"\.)?"JobRun"/;
/** Every write the worker makes: ledger, timeline, notifications. */
const WORKER_WRITES = /^\s*(UPDATE|INSERT INTO)\s+("public"\.)?"(JobRun|JobRunEvent|Notification)"/;

beforeAll(async () => {
  planner = (await createTestUser("PLANNER")).principal;
  admin = (await createTestUser("ADMIN")).principal;
  flaky = flakyDb();
});

afterEach(async () => {
  flaky.heal();
  await Promise.all(workers.splice(0).map((worker) => worker.stop(2_000)));
  await queueManager().queue("export").obliterate({ force: true });
  await sharedRedis().del(heldLedgerWritesKey(prefix()));
});

afterAll(async () => {
  await flaky.close();
});

const run = (id: string) => db().jobRun.findUniqueOrThrow({ where: { id } });
const reconcile = (options: { graceMs?: number; batchSize?: number } = {}) =>
  reconcileLedger({ redis: sharedRedis(), graceMs: options.graceMs ?? 0, batchSize: options.batchSize, queueKeys: ["export"] });

async function enqueueExport(owner: Principal = planner): Promise<string> {
  const result = await enqueueJob({ queue: "export", name: "export-test", data: { entity: "products", format: "csv" }, owner });
  if (!result.ok) throw new Error(`enqueue failed: ${result.code}`);
  return result.jobId;
}

/** The job's realtime events of one type, as every web instance would read them. */
async function events(jobId: string, type: string) {
  const entries = (await sharedRedis().xrange(eventStreamKey(prefix()), "-", "+")) as [string, string[]][];
  return entries.map(parseStreamEntry).filter((event) => event?.jobId === jobId && event.event === type);
}

const exportResult: Processor<"export"> = { run: async () => documentedResult("export") };

describe("a job's outcome while PostgreSQL fails", () => {
  it("is retried until the ledger takes it, and the owner's event comes only after the row is written", async () => {
    // Every ledger update fails six times in a row (the attempt's ACTIVE mark and then the outcome): about two seconds of outage with the backoff.
    flaky.fail(LEDGER_UPDATE, 6);
    workers.push(await startTestWorker(["export"], { export: exportResult }, { db: flaky.db }));
    const jobId = await enqueueExport();

    // The first moment the event can be seen, the row already says COMPLETED.
    await waitFor(async () => (await events(jobId, "job:complete")).length > 0, 20_000, 20);
    const row = await run(jobId);
    expect(row.state).toBe("COMPLETED");
    expect(row.result).toMatchObject({ exportId: "e-1", rows: 1 });
    expect(flaky.refused).toBe(6);
    expect(await events(jobId, "job:complete")).toHaveLength(1);
    // Released once written: nothing is left for the reconciler.
    expect(await findHeldLedgerWrite(sharedRedis(), prefix(), jobId)).toBeNull();
    await waitFor(async () => (await db().notification.count({ where: { jobId } })) === 1);
  });

  it("is held in Redis when the worker stops before PostgreSQL is back, and the reconciler writes it and sends the event once", async () => {
    flaky.fail(WORKER_WRITES);
    const worker = await startTestWorker(["export"], { export: exportResult }, { db: flaky.db });
    const jobId = await enqueueExport();
    const held = await waitFor(() => findHeldLedgerWrite(sharedRedis(), prefix(), jobId));
    expect(held).toMatchObject({ when: "outcome", update: { state: "COMPLETED" }, event: { type: "job:complete" } });
    // The process goes away with the database still down (as a crash would leave it: the row open,
    // no event), and its shutdown does not hang on writes that cannot land.
    const stopping = Date.now();
    await worker.stop(500);
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect((await run(jobId)).state).not.toBe("COMPLETED");
    expect(await events(jobId, "job:complete")).toHaveLength(0);

    // Two worker processes reconciling at once land it once.
    const [first, second] = await Promise.all([reconcile(), reconcile()]);
    expect(first.heldLanded + second.heldLanded).toBeGreaterThanOrEqual(1);
    const row = await run(jobId);
    expect(row.state).toBe("COMPLETED");
    expect(row.result).toMatchObject({ exportId: "e-1" });
    expect(await events(jobId, "job:complete")).toHaveLength(1);
    expect(await findHeldLedgerWrite(sharedRedis(), prefix(), jobId)).toBeNull();
    expect(await db().notification.count({ where: { jobId } })).toBe(1);
  });

  it("is derived from the job BullMQ keeps when even the hold is gone, failures and cancellations included", async () => {
    flaky.fail(LEDGER_UPDATE);
    const failing: Processor<"export"> = {
      run: async () => {
        // Fails for good at once (no retries to wait out).
        throw new UnrecoverableError("warehouse offline");
      },
    };
    const worker = await startTestWorker(["export"], { export: failing }, { db: flaky.db });
    const jobId = await enqueueExport();
    await waitFor(async () => (await findHeldLedgerWrite(sharedRedis(), prefix(), jobId))?.update.state === "FAILED");
    await worker.stop(500);
    // As if the process had died before it could hold the outcome.
    await sharedRedis().del(heldLedgerWritesKey(prefix()));

    const outcome = await reconcile();
    expect(outcome.outcomesRecorded).toBe(1);
    const row = await run(jobId);
    expect(row.state).toBe("FAILED");
    expect(row.failedReason).toBe("warehouse offline");
    expect(row.failureFingerprint).toBeTruthy();
    expect(await events(jobId, "job:failed")).toHaveLength(1);
    expect((await reconcile()).outcomesRecorded).toBe(0);
  });
});

describe("cancel, clean and remove when one side fails", () => {
  it("a cancel whose ledger write fails after the job left Redis holds the CANCELLED mark for the reconciler", async () => {
    const jobId = await enqueueExport();
    flaky.fail(LEDGER_UPDATE);
    expect(await cancelJob("export", jobId, planner, { db: flaky.db })).toEqual({ ok: true, state: "cancelled" });
    expect(await queueManager().getJob("export", jobId)).toBeUndefined();
    expect((await run(jobId)).state).toBe("WAITING");
    expect(await findHeldLedgerWrite(sharedRedis(), prefix(), jobId)).toMatchObject({ when: "job-gone", update: { state: "CANCELLED" } });

    expect((await reconcile()).heldLanded).toBe(1);
    const row = await run(jobId);
    expect(row.state).toBe("CANCELLED");
    expect(row.failedReason).toBe(`Cancelled by ${planner.name}`);
    expect(await findHeldLedgerWrite(sharedRedis(), prefix(), jobId)).toBeNull();
  });

  it("a cancel whose Redis removal fails changes neither side, and a mark held before a crash is dropped", async () => {
    const jobId = await enqueueExport();
    const real = queueManager();
    const brokenRemoval = Object.create(real, {
      getJob: {
        value: async (key: "export", id: string) => {
          const job = await real.getJob(key, id);
          if (job) job.remove = () => Promise.reject(new Error("Connection is closed."));
          return job;
        },
      },
    }) as QueueManager;
    await expect(cancelJob("export", jobId, planner, { queues: brokenRemoval })).rejects.toThrow("Connection is closed.");
    expect(await real.getJob("export", jobId)).toBeDefined();
    expect((await run(jobId)).state).toBe("WAITING");
    expect(await findHeldLedgerWrite(sharedRedis(), prefix(), jobId)).toBeNull();

    // A web process that died between holding the mark and removing the job.
    await holdLedgerWrites(sharedRedis(), prefix(), [newHeldWrite({ jobId, queue: "export", when: "job-gone", update: { state: "CANCELLED", failedReason: "never happened" } })]);
    expect((await reconcile()).heldDropped).toBe(1);
    expect((await run(jobId)).state).toBe("WAITING");
    expect(await real.getJob("export", jobId)).toBeDefined();
  });

  it("a clean whose ledger write fails holds the marks, and the reconciler records the jobs as cancelled", async () => {
    const ids = [await enqueueExport(), await enqueueExport()];
    flaky.fail(LEDGER_UPDATE);
    const result = await cleanQueue("export", { grace: 0, limit: 10, type: "wait" }, admin, { db: flaky.db });
    expect(result.removed).toBe(2);
    expect(flaky.refused).toBeGreaterThanOrEqual(1);
    for (const id of ids) expect((await run(id)).state).toBe("WAITING");

    expect((await reconcile()).heldLanded).toBe(2);
    for (const id of ids) {
      const row = await run(id);
      expect(row.state).toBe("CANCELLED");
      expect(row.failedReason).toMatch(/queue clean/);
    }
  });
});

describe("removing a job when the ledger fails", () => {
  it("holds the removal's mark, and the reconciler records the job as removed and cancelled", async () => {
    const jobId = await enqueueExport();
    flaky.fail(LEDGER_UPDATE);
    expect(await removeJob("export", jobId, admin, { db: flaky.db })).toEqual({ ok: true, previousState: "waiting", cancelled: true });
    expect(await queueManager().getJob("export", jobId)).toBeUndefined();
    expect((await run(jobId)).removedAt).toBeNull();
    expect((await reconcile()).heldLanded).toBe(1);
    const row = await run(jobId);
    expect(row.state).toBe("CANCELLED");
    expect(row.removedAt).not.toBeNull();
  });
});

describe("the ledger reconciler", () => {
  it("writes the row a job never got, with the owner, organisation and business key the enqueue would have written, once", async () => {
    const jobId = randomUUID();
    // Added past the enqueue (its ledger insert lost), as bull-board or a script could.
    await queueManager().addJob("export", "export-test", withOwner({ entity: "products", format: "csv" }, { ownerId: planner.id, organizationId: planner.organizationId }), { jobId });
    const [first, second] = await Promise.all([reconcile(), reconcile()]);
    expect(first.rowsCreated + second.rowsCreated).toBe(1);
    const row = await run(jobId);
    expect(row).toMatchObject({ queue: "export", name: "export-test", ownerId: planner.id, organizationId: planner.organizationId, businessKey: "products", state: "WAITING" });
    expect(row.data).toEqual({ entity: "products", format: "csv" });

    // Once it runs, the worker writes the rest as usual.
    workers.push(await startTestWorker(["export"], { export: exportResult }));
    await waitFor(async () => (await run(jobId)).state === "COMPLETED");
  });

  it("writes the row of a job that finished with none, outcome included", async () => {
    workers.push(await startTestWorker(["export"], { export: exportResult }));
    const jobId = randomUUID();
    await queueManager().addJob("export", "export-test", withOwner({ entity: "products", format: "csv" }, { ownerId: planner.id, organizationId: planner.organizationId }), { jobId });
    await waitFor(async () => (await queueManager().getJob("export", jobId))?.finishedOn);
    expect((await reconcile()).rowsCreated).toBe(1);
    const row = await run(jobId);
    expect(row.state).toBe("COMPLETED");
    expect(row.result).toMatchObject({ exportId: "e-1" });
    expect(row.finishedAt).not.toBeNull();
  });

  it("marks rows whose job vanished from Redis LOST, in keyset batches, once, with one event each", async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) {
      await createRun({ id, queue: "export", name: "export-test", ownerId: planner.id, organizationId: planner.organizationId, data: {}, delayed: false });
    }
    const [first, second] = await Promise.all([reconcile({ batchSize: 2 }), reconcile({ batchSize: 2 })]);
    // The two share one keyset cursor in Redis, so a row one of them passed over while the other
    // moved the cursor is left for the next run: each row is marked once over the runs, never twice.
    const third = await reconcile({ batchSize: 2 });
    expect(first.lost + second.lost + third.lost).toBe(5);
    for (const id of ids) {
      const row = await run(id);
      expect(row.state).toBe("LOST");
      expect(row.failedReason).toBe(LOST_REASON);
      expect(row.finishedAt).not.toBeNull();
      expect(await events(id, "job:failed")).toHaveLength(1);
    }
    // Shown as lost wherever states are read: the job page and "my runs" filtered by state.
    expect((await getJobStatus("export", ids[0]!, planner))?.state).toBe("lost");
    const page = await listRunsPage({ ownerId: planner.id, state: "lost", take: 50 });
    expect(page.jobs.map((job) => job.id)).toEqual(expect.arrayContaining(ids));
    expect(page.jobs.every((job) => job.state === "lost")).toBe(true);
  });

  it("leaves what is younger than the grace period alone", async () => {
    const id = randomUUID();
    await createRun({ id, queue: "export", name: "export-test", ownerId: planner.id, organizationId: planner.organizationId, data: {}, delayed: false });
    const jobId = randomUUID();
    await queueManager().addJob("export", "export-test", withOwner({ entity: "products", format: "csv" }, { ownerId: planner.id, organizationId: planner.organizationId }), { jobId });
    const outcome = await reconcile({ graceMs: 60_000 });
    expect(outcome.lost + outcome.rowsCreated).toBe(0);
    expect((await run(id)).state).toBe("WAITING");
    expect(await db().jobRun.findUnique({ where: { id: jobId } })).toBeNull();
  });

  it("records a cancellation the worker could not write as CANCELLED, not failed", async () => {
    flaky.fail(LEDGER_UPDATE);
    const started = new Set<string>();
    const untilStopped: Processor<"export"> = {
      async run(job, context) {
        started.add(job.id);
        await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
        throw new Error("stopped");
      },
    };
    const worker = await startTestWorker(["export"], { export: untilStopped }, { db: flaky.db });
    const jobId = await enqueueExport();
    await waitFor(() => started.has(jobId));
    await requestJobCancel(sharedRedis(), prefix(), jobId, "Cancelled by Ada");
    await waitFor(async () => (await queueManager().getJob("export", jobId))?.finishedOn);
    await worker.stop(500);
    await sharedRedis().del(heldLedgerWritesKey(prefix()));
    expect((await reconcile()).outcomesRecorded).toBe(1);
    expect(await run(jobId)).toMatchObject({ state: "CANCELLED", failedReason: "Cancelled by Ada" });
    expect(await sharedRedis().exists(`${prefix()}:cancel:${jobId}`)).toBe(0);
  });

  it("runs on the maintenance worker's schedule", async () => {
    const id = randomUUID();
    await createRun({ id, queue: "export", name: "export-test", ownerId: planner.id, organizationId: planner.organizationId, data: {}, delayed: false });
    const maintenance = new MaintenanceWorker({
      db: db(),
      createConnection: () => createRedis("worker"),
      prefix: prefix(),
      logger: pino({ level: "silent" }),
      backfillFingerprints: false,
      alerts: false,
      retention: false,
      reconcile: { everyMs: 200, graceMs: 0 },
    });
    await maintenance.start();
    try {
      await waitFor(async () => (await run(id)).state === "LOST", 15_000);
    } finally {
      await maintenance.stop(2_000);
    }
  });
});
