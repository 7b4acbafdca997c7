import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { Principal } from "@/lib/auth/principal";
import { cancelJob } from "@/lib/jobs/cancel-job";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { failureFingerprint } from "@/lib/jobs/failure-fingerprint";
import { queueManager } from "@/lib/jobs/queue-manager";
import { listRunEvents } from "@/lib/jobs/run-events";
import { requestJobCancel } from "@/lib/jobs/worker-registry";
import { sharedRedis } from "@/lib/redis";
import type { Processor } from "@/worker/processor";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { documentedResult } from "../helpers/documented-jobs";

let admin: Principal;
let planner: Principal;
let otherPlanner: Principal;
const workers: WorkerManager[] = [];

beforeAll(async () => {
  admin = (await createTestUser("ADMIN")).principal;
  planner = (await createTestUser("PLANNER")).principal;
  otherPlanner = (await createTestUser("PLANNER")).principal;
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop(5_000)));
  await queueManager().queue("export").obliterate({ force: true });
});

async function enqueueExport(owner: Principal = planner) {
  const result = await enqueueJob({ queue: "export", name: "export-test", data: { entity: "products", format: "csv" }, owner });
  if (!result.ok) throw new Error(`enqueue failed: ${result.code}`);
  return result.jobId;
}

/** A processor that runs until its attempt is stopped, reporting progress so the test knows it started. */
function untilStopped(started: Set<string>): Processor<"export"> {
  return {
    async run(job, context) {
      await context.progress(10, "Working");
      started.add(job.id);
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
      throw new Error("stopped");
    },
  };
}

const run = (id: string) => db().jobRun.findUniqueOrThrow({ where: { id } });

describe("cancelling a job", () => {
  it("stops a running job in whichever of two worker processes holds it, within seconds, without a retry", async () => {
    const started = new Set<string>();
    const processors = { export: untilStopped(started) };
    workers.push(await startTestWorker(["export"], processors), await startTestWorker(["export"], processors));
    const jobId = await enqueueExport();
    await waitFor(() => started.has(jobId));

    const requestedAt = Date.now();
    expect(await cancelJob("export", jobId, admin)).toEqual({ ok: true, state: "cancelling" });
    await waitFor(async () => (await run(jobId)).state === "CANCELLED", 10_000);
    expect(Date.now() - requestedAt).toBeLessThan(3_000);

    const ledger = await run(jobId);
    expect(ledger.attempts).toBe(1);
    expect(ledger.failedReason).toBe(`Cancelled by ${admin.name}`);
    const job = await queueManager().getJob("export", jobId);
    expect(await job!.getState()).toBe("failed");
    expect(job!.attemptsMade).toBe(1);
    await waitFor(async () => (await listRunEvents(jobId)).some((event) => event.kind === "cancelled"));
    const kinds = (await listRunEvents(jobId)).map((event) => event.kind);
    expect(kinds).toEqual(["active", "progress", "cancel-requested", "cancelled"]);
    expect(await sharedRedis().exists(`${process.env.REDIS_PREFIX}:cancel:${jobId}`)).toBe(0);
    // Audited, since an admin cancelled someone else's job.
    expect(await db().auditLog.count({ where: { action: "job.cancel", target: `export/${jobId}` } })).toBe(1);
  });

  it("takes a waiting job off its queue at once", async () => {
    const jobId = await enqueueExport();
    expect(await cancelJob("export", jobId, planner)).toEqual({ ok: true, state: "cancelled" });
    expect(await queueManager().getJob("export", jobId)).toBeUndefined();
    expect((await run(jobId)).state).toBe("CANCELLED");
    expect((await listRunEvents(jobId)).map((event) => [event.kind, event.actorId])).toEqual([["cancelled", planner.id]]);
  });

  it("stops a job when its attempt starts if the cancellation came while no worker held it", async () => {
    const jobId = await enqueueExport();
    await requestJobCancel(sharedRedis(), process.env.REDIS_PREFIX!, jobId, "Cancelled by Ada");
    const started = new Set<string>();
    workers.push(await startTestWorker(["export"], { export: untilStopped(started) }));
    await waitFor(async () => (await run(jobId)).state === "CANCELLED", 10_000);
    expect((await run(jobId)).failedReason).toBe("Cancelled by Ada");
  });

  it("refuses finished jobs and hides other users' jobs from planners", async () => {
    workers.push(await startTestWorker(["export"], { export: { run: async () => documentedResult("export") } }));
    const done = await enqueueExport();
    await waitFor(async () => (await run(done)).state === "COMPLETED");
    expect(await cancelJob("export", done, planner)).toEqual({ ok: false, code: "job-not-cancellable", state: "completed" });

    await workers.pop()!.stop(5_000);
    const waiting = await enqueueExport(planner);
    expect(await cancelJob("export", waiting, otherPlanner)).toEqual({ ok: false, code: "job-not-found" });
    expect(await cancelJob("import", waiting, admin)).toEqual({ ok: false, code: "job-not-found" });
    expect(await queueManager().getJob("export", waiting)).toBeDefined();
  });
});

describe("the job timeline in the ledger", () => {
  it("keeps each attempt, progress step and log line, and fingerprints the final failure", async () => {
    let attempt = 0;
    workers.push(
      await startTestWorker(["export"], {
        export: {
          async run(_job, context) {
            attempt++;
            await context.progress(40, "Reading products");
            await context.log(`attempt ${attempt} reached the warehouse`);
            throw new Error(`Warehouse 42 answered 503 on attempt ${attempt}`);
          },
        },
      }),
    );
    const jobId = await enqueueExport();
    await waitFor(async () => (await run(jobId)).state === "FAILED", 20_000);
    await waitFor(async () => (await listRunEvents(jobId)).some((event) => event.kind === "failed"));

    const events = await listRunEvents(jobId);
    expect(events.map((event) => `${event.kind}:${event.attempt}`)).toEqual([
      "active:1", "progress:1", "log:1", "retrying:1",
      "active:2", "progress:2", "log:2", "retrying:2",
      "active:3", "progress:3", "log:3", "failed:3",
    ]);
    expect(events[2]!.message).toBe("attempt 1 reached the warehouse");
    expect(events[1]).toMatchObject({ progress: 40, message: "Reading products" });
    expect(events.at(-1)!.message).toBe("Warehouse 42 answered 503 on attempt 3");
    for (let index = 1; index < events.length; index++) expect(events[index]!.at.getTime()).toBeGreaterThanOrEqual(events[index - 1]!.at.getTime());

    const ledger = await run(jobId);
    expect(ledger.failureFingerprint).toBe(failureFingerprint("export", "export-test", "Warehouse 7 answered 503 on attempt 1"));
  });
});
