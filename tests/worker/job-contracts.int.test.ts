import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import type { JobPayload } from "@/lib/jobs/catalog";
import { queueManager } from "@/lib/jobs/queue-manager";
import { listRunEvents } from "@/lib/jobs/run-events";
import type { JobOwner } from "@/worker/job-contract";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestProduct, createTestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { documentedResult } from "../helpers/documented-jobs";

/** The worker's side of the catalogue: job data is checked at every attempt, results before they are stored. */
let owner: Principal;
/** A real product: an enqueue checks that the job's product exists. */
let productId: string;
let worker: WorkerManager | undefined;

beforeAll(async () => {
  owner = (await createTestUser("PLANNER")).principal;
  productId = (await createTestProduct(0)).id;
});

afterEach(async () => {
  await worker?.stop(5_000);
  worker = undefined;
  await queueManager().queue("forecast").obliterate({ force: true });
});

/** The BullMQ job once it has failed. */
async function failedJob(jobId: string) {
  return waitFor(async () => {
    const job = await queueManager().getJob("forecast", jobId);
    // The job's hash and its state are two reads: wait until both show the failure.
    return job && job.failedReason && (await job.getState()) === "failed" ? job : null;
  });
}

describe("job data", () => {
  it("a job added with raw BullMQ and bad data fails once, for good, naming the field; the processor never runs", async () => {
    let runs = 0;
    worker = await startTestWorker(["forecast"], { forecast: { run: async () => (runs++, documentedResult("forecast")) } });
    // As bull-board or a script would add it: straight into the queue (three attempts by default), no API in between.
    const added = await queueManager().queue("forecast").add("forecast", { productId: "p-1", horizon: 0 }, { jobId: "raw-bad-horizon" });
    expect(added.opts.attempts).toBe(3);

    const job = await failedJob("raw-bad-horizon");
    expect(job.failedReason).toBe("Job data does not match the forecast queue's contract — data.horizon: horizon must be at least 1 day");
    expect(job.attemptsMade).toBe(1);
    expect(runs).toBe(0);
  });

  it("names every bad field, nested ones by their path", async () => {
    worker = await startTestWorker(["forecast"], { forecast: { run: async () => documentedResult("forecast") } });
    await queueManager().queue("forecast").add("forecast", { horizon: 400, models: ["arima"] }, { jobId: "raw-many-problems" });
    const job = await failedJob("raw-many-problems");
    expect(job.failedReason).toMatch(/^Job data does not match the forecast queue's contract — /);
    expect(job.failedReason).toContain("data.productId: productId must be a string");
    expect(job.failedReason).toContain("data.horizon: horizon must be at most 365 days");
    expect(job.failedReason).toContain("data.models");
    expect(job.attemptsMade).toBe(1);
  });

  it("the processor gets the parsed payload with defaults applied, and the owner through its context only", async () => {
    const seen: { data: JobPayload<"forecast">; owner: JobOwner; hasThreads: boolean }[] = [];
    worker = await startTestWorker(["forecast"], {
      forecast: {
        run: async (job, context) => {
          seen.push({ data: job.data, owner: context.owner, hasThreads: "threads" in context });
          return documentedResult("forecast");
        },
      },
    });
    const result = await enqueueJob({ queue: "forecast", name: "forecast", data: { productId, horizon: 14 }, owner });
    if (!result.ok) throw new Error(result.code);
    await queueManager().queue("forecast").add("forecast", { productId: "p-8", horizon: 7, ownerId: owner.id, organizationId: "org-1" }, { jobId: "raw-owned" });
    await waitFor(() => seen.length === 2);

    const byProduct = Object.fromEntries(seen.map((entry) => [entry.data.productId, entry]));
    expect(byProduct[productId]).toEqual({ data: { productId, horizon: 14, models: ["all"] }, owner: { ownerId: owner.id, organizationId: owner.organizationId }, hasThreads: false });
    expect(byProduct["p-8"]).toEqual({ data: { productId: "p-8", horizon: 7, models: ["all"] }, owner: { ownerId: owner.id, organizationId: "org-1" }, hasThreads: false });
  });
});

describe("results", () => {
  it("a processor returning a result that does not match fails the job for good, naming the field", async () => {
    let runs = 0;
    worker = await startTestWorker(["forecast"], {
      forecast: {
        // As a processor with a bug might: accuracy as text, predictions left out.
        run: async () => (runs++, { ...documentedResult("forecast"), accuracy: "12.5%", predictions: undefined }) as never,
      },
    });
    const result = await enqueueJob({ queue: "forecast", name: "forecast", data: { productId, horizon: 30 }, owner });
    if (!result.ok) throw new Error(result.code);

    const job = await failedJob(result.jobId);
    expect(job.failedReason).toMatch(/^The forecast processor's result does not match the queue's contract — result\.accuracy: .*; result\.predictions: /);
    expect(job.attemptsMade).toBe(1);
    expect(runs).toBe(1);
    const run = await waitFor(async () => {
      const row = await db().jobRun.findUnique({ where: { id: result.jobId } });
      return row?.state === "FAILED" ? row : null;
    });
    expect(run).toMatchObject({ attempts: 1, failedReason: job.failedReason, result: null });
    await waitFor(async () => (await listRunEvents(result.jobId)).some((event) => event.kind === "failed"));
  });

  it("stores the result as the queue documents it: fields the schema does not name are dropped", async () => {
    worker = await startTestWorker(["forecast"], {
      forecast: { run: async () => ({ ...documentedResult("forecast"), debugPoints: [1, 2, 3] }) },
    });
    const result = await enqueueJob({ queue: "forecast", name: "forecast", data: { productId, horizon: 30 }, owner });
    if (!result.ok) throw new Error(result.code);
    const run = await waitFor(async () => {
      const row = await db().jobRun.findUnique({ where: { id: result.jobId } });
      return row?.state === "COMPLETED" ? row : null;
    });
    expect(run.result).toEqual(documentedResult("forecast"));
  });
});
