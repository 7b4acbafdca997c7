import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { serviceLevelToZ } from "@/lib/inventory/normal";
import { catalog, type JobResult } from "@/lib/jobs/catalog";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { queueManager } from "@/lib/jobs/queue-manager";
import { eventStreamKey, parseStreamEntry } from "@/lib/realtime/events";
import { createRedis } from "@/lib/redis";
import { threadTasksModule, type Processor } from "@/worker/processor";
import { processors } from "@/worker/processors";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestOrganization, createTestProduct, createTestUser } from "../helpers/fixtures";
import { createTestNetwork, createTestPurchaseOrder, createTestStock, createTestSupply, type TestNetwork } from "../helpers/inventory-fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";

let owner: Principal;
let organizationId: string;
let network: TestNetwork;
let worker: WorkerManager;

const TERMS = { leadTimeDays: 10, leadTimeStdDays: 2, orderingCost: 50, holdingCostRate: 0.2, serviceLevel: 0.95 };

beforeAll(async () => {
  // An organisation of its own: the processor reads every warehouse of the product's organisation.
  organizationId = (await createTestOrganization("Optimisation")).id;
  owner = (await createTestUser("PLANNER", { organizationId })).principal;
  network = await createTestNetwork(
    organizationId,
    [
      { code: "DC1", kind: "CENTRAL", capacity: 100_000 },
      { code: "DC2", kind: "CENTRAL", capacity: 100_000 },
      { code: "A", kind: "REGIONAL", capacity: 100_000, demandShare: 0.6 },
      { code: "B", kind: "REGIONAL", capacity: 100_000, demandShare: 0.4 },
    ],
    [
      { from: "DC1", to: "A", costPerUnit: 0.2, transitDays: 2 },
      { from: "DC2", to: "A", costPerUnit: 0.9, transitDays: 3 },
      { from: "DC1", to: "B", costPerUnit: 0.8, transitDays: 3 },
      { from: "DC2", to: "B", costPerUnit: 0.3, transitDays: 1 },
    ],
  );
  worker = await startTestWorker(["optimization"], processors);
});

afterAll(async () => {
  await worker.stop(5_000);
});

async function launch(productId: string, constraints: Record<string, number> = {}) {
  const result = await enqueueJob({ queue: "optimization", name: "optimise", data: { productId, constraints }, owner });
  if (!result.ok) throw new Error(result.code);
  return result.jobId;
}

const runOf = (id: string) => db().jobRun.findUnique({ where: { id } });
const finished = (id: string, state: "COMPLETED" | "FAILED") =>
  waitFor(async () => {
    const run = await runOf(id);
    return run?.state === state ? run : null;
  }, 45_000);

/** The last year of a test product's sales (its history ends 2026-10-31), computed by PostgreSQL, not by the code under test. */
async function salesStats(productId: string) {
  const [row] = await db().$queryRaw<{ mean: number; std: number }[]>`
    SELECT avg("quantity")::float8 AS mean, stddev_samp("quantity")::float8 AS std
    FROM "SalesDaily" WHERE "productId" = ${productId} AND "date" > DATE '2026-10-31' - 365`;
  return row!;
}

async function stockedProduct(seed: number) {
  // A price well above any lane's cost: a unit not delivered costs more than moving it.
  const product = await db().product.update({ where: { id: (await createTestProduct(730, seed, { organizationId })).id }, data: { unitPrice: 40 } });
  await createTestSupply(product, TERMS);
  return product;
}

describe("optimisation processor", () => {
  it("computes the policy from a year of sales, recommends per warehouse, allocates the central stock and saves it by job", async () => {
    const product = await stockedProduct(21);
    // A needs stock now (nothing on hand), B has plenty; DC1 holds 40 with 30 on the way, DC2 holds 25.
    await createTestStock(product, network, "2026-10-31", { DC1: 40, DC2: 25, A: 0, B: 5_000 });
    await createTestPurchaseOrder(product, network, { warehouse: "DC1", quantity: 30, expectedDate: "2026-11-05" });
    await createTestPurchaseOrder(product, network, { warehouse: "DC1", quantity: 999, expectedDate: "2026-10-01", status: "RECEIVED" });
    const jobId = await launch(product.id, { orderingCost: 12, serviceLevel: 0.95 });
    const run = await finished(jobId, "COMPLETED");
    const result = run.result as JobResult<"optimization">;
    expect(catalog.optimization.result.safeParse(result).success).toBe(true);

    // The product's policy from the textbook formulas over PostgreSQL's own statistics of the year.
    const { mean, std } = await salesStats(product.id);
    const z = serviceLevelToZ(0.95);
    const unitCost = Number(product.unitCost);
    const sigmaL = Math.sqrt(10 * std ** 2 + mean ** 2 * 2 ** 2);
    expect(result).toMatchObject({ success: true, productId: product.id, demandSource: "history", forecastId: null });
    expect(result.eoq).toBeCloseTo(Math.sqrt((2 * mean * 365 * 12) / (0.2 * unitCost)), 6);
    expect(result.safetyStock).toBeCloseTo(z * sigmaL, 6);
    expect(result.reorderPoint).toBeCloseTo(mean * 10 + z * sigmaL, 6);
    expect(result.policy.cycleServiceLevel).toBeCloseTo(0.95, 9);
    // The inputs used: the job's constraints where given, the product's own for the rest.
    expect(result.inputs).toMatchObject({ orderingCost: 12, holdingCostRate: 0.2, leadTimeDays: 10, leadTimeStdDays: 2, fromJob: ["orderingCost", "serviceLevel"] });
    expect(result.inputs.serviceLevelZ).toBeCloseTo(1.644854, 6);

    const byCode = Object.fromEntries(result.warehouses.map((warehouse) => [warehouse.code.split("-")[0]!, warehouse]));
    expect(Object.keys(byCode).sort()).toEqual(["A", "B", "DC1", "DC2"]);
    // A regional warehouse: its share of demand, its cheapest lane's transit as lead time.
    expect(byCode.A).toMatchObject({ kind: "REGIONAL", suppliedFrom: byCode.DC1!.code, leadTimeDays: 2, leadTimeStdDays: 0, onHand: 0, onOrder: 0 });
    expect(byCode.A!.policy.dailyDemand).toBeCloseTo(0.6 * mean, 9);
    expect(byCode.A!.recommendation.orderNow).toBe(true);
    expect(byCode.B!.recommendation.orderNow).toBe(false);
    // Only open orders count: DC1's position is 40 on hand + 30 open.
    expect(byCode.DC1).toMatchObject({ kind: "CENTRAL", suppliedFrom: null, onHand: 40, onOrder: 30, leadTimeDays: 10, leadTimeStdDays: 2 });

    // A needs more than the 95 units the DCs hold or expect, so it gets all of them, DC1's along its cheap lane.
    const need = byCode.A!.recommendation.quantity;
    expect(need).toBeGreaterThan(95);
    expect(byCode.A).toMatchObject({ allocated: 95, short: need - 95 });
    expect(byCode.A!.shipments.sort((x, y) => x.from.localeCompare(y.from))).toEqual([
      { from: byCode.DC1!.code, quantity: 70, cost: expect.closeTo(14, 9) },
      { from: byCode.DC2!.code, quantity: 25, cost: expect.closeTo(22.5, 9) },
    ]);
    expect(byCode.B).toMatchObject({ allocated: 0, short: 0 });
    expect(result.allocation.transportCost).toBeCloseTo(36.5, 9);

    // Saved by job, with the inputs it used.
    const saved = await db().optimizationResult.findUniqueOrThrow({ where: { jobId } });
    expect(saved).toMatchObject({ id: result.resultId, productId: product.id, organizationId, demandSource: "history", eoq: result.eoq });
    expect(saved.inputs).toMatchObject({ orderingCost: 12, demand: { source: "history", days: 365 } });

    // Progress at the catalogue's steps, then the completion with its summary.
    const redis = createRedis("producer");
    const events = await waitFor(async () => {
      const entries = (await redis.xrange(eventStreamKey(env().REDIS_PREFIX), "-", "+")) as [string, string[]][];
      const mine = entries.map(parseStreamEntry).filter((event) => event?.jobId === jobId);
      return mine.some((event) => event?.event === "job:complete") && mine;
    });
    redis.disconnect();
    expect(events.filter((event) => event!.event === "job:progress").map((event) => [event!.progress, event!.message])).toEqual([
      [10, "Loading demand"],
      [40, "Computing inventory policy"],
      [70, "Allocating across warehouses"],
      [90, "Saving results"],
      [100, "Complete"],
    ]);
    expect(events.at(-1)!.summary).toEqual({ resultId: result.resultId, eoq: result.eoq, safetyStock: result.safetyStock, reorderPoint: result.reorderPoint });
  });

  it("takes the demand from the latest forecast when there is one, and says so", async () => {
    const product = await stockedProduct(22);
    await createTestStock(product, network, "2026-10-31", { DC1: 500, DC2: 500, A: 300, B: 300 });
    // The forecast's interval is ±1.2816·σ (80 %) around 40 a day, σ = 6; an older forecast says 5.
    const forecast = (jobId: string, value: number, createdAt: Date) =>
      db().forecast.create({
        data: {
          jobId,
          organizationId,
          productId: product.id,
          horizon: 3,
          models: ["ma"],
          historyStart: new Date("2024-11-01"),
          historyEnd: new Date("2026-10-31"),
          createdAt,
          points: { create: [1, 2, 3].map((day) => ({ date: new Date(Date.UTC(2026, 10, day)), value, lower: value - 1.2815515655446004 * 6, upper: value + 1.2815515655446004 * 6 })) },
        },
      });
    await forecast(`old-${product.id}`, 5, new Date("2026-11-01T00:00:00Z"));
    const latest = await forecast(`new-${product.id}`, 40, new Date("2026-11-02T00:00:00Z"));
    const run = await finished(await launch(product.id), "COMPLETED");
    const result = run.result as JobResult<"optimization">;
    expect(result).toMatchObject({ demandSource: "forecast", forecastId: latest.id });
    expect(result.policy.dailyDemand).toBeCloseTo(40, 9);
    expect(result.policy.dailyDemandStd).toBeCloseTo(6, 9);
    // No constraints given: the product's own values, its 95 % service level through the exact quantile.
    expect(result.inputs).toMatchObject({ orderingCost: 50, holdingCostRate: 0.2, fromJob: [] });
    expect(result.inputs.serviceLevelZ).toBeCloseTo(1.644854, 6);
    expect(result.eoq).toBeCloseTo(Math.sqrt((2 * 40 * 365 * 50) / (0.2 * Number(product.unitCost))), 6);
  });

  it("a re-run of the same job replaces its result instead of adding one", async () => {
    const product = await stockedProduct(23);
    const jobId = await launch(product.id);
    await finished(jobId, "COMPLETED");
    const first = await db().optimizationResult.findUniqueOrThrow({ where: { jobId } });
    // As in the forecast processor's test: a completed job processed a second time (a stalled job).
    const job = await queueManager().getJob("optimization", jobId);
    await job!.moveToFailed(new Error("simulated"), "0", false).catch(() => {});
    await job!.retry("failed").catch(() => job!.retry("completed"));
    await waitFor(async () => {
      const rows = await db().optimizationResult.findMany({ where: { jobId } });
      return rows.length === 1 && rows[0]!.createdAt > first.createdAt;
    }, 45_000);
    expect(await db().optimizationResult.count({ where: { productId: product.id } })).toBe(1);
  });

  describe("fails at once, without retries, with the reason", () => {
    const failsWith = async (jobId: string, reason: RegExp) => {
      const run = await finished(jobId, "FAILED");
      expect(run.failedReason).toMatch(reason);
      expect(run.attempts).toBe(1);
    };

    it("a product with no demand history and no forecast", async () => {
      const product = await createTestProduct(0, 24, { organizationId });
      await createTestSupply(product, TERMS);
      await failsWith(await launch(product.id), new RegExp(`Product ${product.sku} has no demand history and no forecast`));
    });

    it("bad constraints sent behind the API's back: a negative ordering cost, z ≤ 0", async () => {
      const product = await stockedProduct(25);
      for (const [constraints, field] of [
        [{ orderingCost: -5 }, /constraints\.orderingCost: orderingCost must not be negative/],
        [{ serviceLevelZ: 0 }, /constraints\.serviceLevelZ: serviceLevelZ must be above 0/],
        [{ serviceLevelZ: -1.65 }, /constraints\.serviceLevelZ: serviceLevelZ must be above 0/],
      ] as const) {
        const job = await queueManager()
          .queue("optimization")
          .add("optimise", { productId: product.id, constraints, ownerId: owner.id, organizationId }, { attempts: 3 });
        const failed = await waitFor(async () => {
          const view = await queueManager().jobView("optimization", job.id!);
          // The job's hash and its state are two reads: wait until both show the failure.
          return view?.state === "failed" && view.failedReason ? view : null;
        }, 15_000);
        expect(failed.failedReason).toMatch(field);
        expect(failed.attemptsMade).toBe(1);
      }
    });

    it("the product's own costs when they are unusable, and a product without supply terms", async () => {
      const zeroHolding = await createTestProduct(100, 26, { organizationId });
      await createTestSupply(zeroHolding, { ...TERMS, holdingCostRate: 0 });
      await failsWith(await launch(zeroHolding.id), /holdingCostRate must be above 0, got 0/);
      const noTerms = await createTestProduct(100, 27, { organizationId });
      await failsWith(await launch(noTerms.id), new RegExp(`Product ${noTerms.sku} has no supply terms`));
    });

    it("another organisation's product, as if it did not exist", async () => {
      const elsewhere = await createTestOrganization("Elsewhere");
      const product = await createTestProduct(100, 28, { organizationId: elsewhere.id });
      const job = await queueManager().queue("optimization").add("optimise", { productId: product.id, constraints: {}, ownerId: owner.id, organizationId }, { attempts: 3 });
      const failed = await waitFor(async () => {
        const view = await queueManager().jobView("optimization", job.id!);
        return view?.state === "failed" ? view : null;
      }, 15_000);
      expect(failed).toMatchObject({ failedReason: `Product ${product.id} does not exist`, attemptsMade: 1 });
    });
  });
});

describe("the allocation LP in the queue's task threads", () => {
  it("is stopped by the queue's timeout, and the worker goes on serving optimisations", async () => {
    // The same task module as the processor, given a large multi-product allocation whose binding
    // capacities couple every product into one model: 1,000 products × 50 warehouses take about
    // 10 s of CPU (npm run bench), these 8,000 × 30 far longer than the 8 s timeout, which leaves a
    // new thread time to serve the next job.
    type Tasks = typeof import("@/worker/processors/optimization.tasks").threadTasks;
    const P = 8_000, S = 3, W = 30;
    const sources = Array.from({ length: S }, (_, i) => ({ id: `s${i}` }));
    const destinations = Array.from({ length: W }, (_, j) => ({ id: `w${j}`, headroom: 400 }));
    const problem = {
      sources,
      destinations,
      lanes: sources.flatMap((source, i) => destinations.map((destination, j) => ({ from: source.id, to: destination.id, costPerUnit: ((i * 7 + j * 13) % 17) / 10 + 0.1 }))),
      products: Array.from({ length: P }, (_, p) => ({
        id: `p${p}`,
        shortageCost: 1 + (p % 11),
        supply: Object.fromEntries(sources.map((source, i) => [source.id, 20 + ((p * 3 + i) % 40)])),
        need: Object.fromEntries(destinations.map((destination, j) => [destination.id, (p * 5 + j * 3) % 9])),
      })),
    };
    const heavy: Processor<"optimization", Tasks> = {
      threadTasks: threadTasksModule(new URL("../../worker/processors/optimization.tasks.ts", import.meta.url)),
      run: async (job, context) => {
        if (job.data.productId === "heavy") await context.threads.run("allocate", [problem], context.signal);
        return processors.optimization.run(job, context);
      },
    };
    await worker.stop(5_000);
    const timed = await startTestWorker(["optimization"], { optimization: heavy }, { settings: { optimization: { timeoutMs: 8_000, concurrency: 1 } } });
    try {
      const started = Date.now();
      // "heavy" is no product: the API would refuse it, so the job goes in behind its back.
      const heavyJob = (await queueManager().queue("optimization").add("optimise", { productId: "heavy", constraints: {}, ownerId: owner.id, organizationId }, { attempts: 1 })).id!;
      const failed = await waitFor(async () => {
        const view = await queueManager().jobView("optimization", heavyJob);
        // The view reads the job's state and its hash in two calls, so a moment may show the
        // state before the reason: wait for both.
        return view?.state === "failed" && view.failedReason ? view : null;
      }, 30_000);
      expect(failed.failedReason).toMatch(/timed out after 8 s/);
      expect(Date.now() - started).toBeLessThan(25_000);

      const product = await stockedProduct(29);
      const next = await launch(product.id);
      await finished(next, "COMPLETED");
    } finally {
      await timed.stop(5_000);
      worker = await startTestWorker(["optimization"], processors);
    }
    // A fresh thread (tsx loader and HiGHS' WebAssembly) replaces the terminated one: slow on a loaded machine.
  }, 120_000);
});
