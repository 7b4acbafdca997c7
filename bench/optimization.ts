import loadHighs from "highs";
import pg from "pg";
import type { Db } from "../lib/db";
import { allocate, type AllocationProblem } from "../lib/inventory/allocation";
import { catalog } from "../lib/jobs/catalog";
import { queueSettings } from "../lib/jobs/settings";
import { optimizationProcessor } from "../worker/processors/optimization.processor";
import { ThreadPool } from "../worker/threads/pool";
import { config } from "./config";
import { loadAverage } from "./system";
import { quantile } from "./table";

/**
 * Part 5: inventory optimisation at scale.
 *
 * - Policy: the optimisation processor's own `run` for every product of an organisation (10,000
 *   products, 5 warehouses: 2 central DCs, 3 regional): load the product, its sales history and
 *   the network from PostgreSQL, compute its policies, allocate in a task thread (HiGHS), save the
 *   result — at the queue's concurrency, in one process. Not measured: BullMQ, the ledger and the
 *   progress events (the forecast part measures that machinery), so the figure is the domain work.
 * - Allocation: one allocation problem of 1,000 products × 50 warehouses (10 DCs, 40 regional,
 *   every DC linked to every regional warehouse), solved by `allocate` on the main thread: once
 *   with free capacity (a transportation problem per product) and once with capacity binding at
 *   a quarter of the warehouses (one coupled model).
 */
const ORGANIZATION = "bench-opt-org";

export interface PolicyRun {
  products: number;
  warehouses: number;
  historyDays: number;
  concurrency: number;
  seedMs: number;
  wallMs: number;
  completed: number;
  failed: number;
  firstFailure?: string;
  /** Median and 95th percentile per product, and the processor's steps summed over all products (ms). */
  p50Ms: number;
  p95Ms: number;
  steps: Record<string, number>;
  load: string;
}

export interface AllocationRun {
  label: string;
  products: number;
  sources: number;
  destinations: number;
  lanes: number;
  ms: number;
  /** CPU time of the solve (this process): what a busy machine does not inflate. */
  cpuMs: number;
  objective: number;
  shipments: number;
  short: number;
}

/** The organisation's warehouses, lanes, products (with supply terms), a year of sales and today's stock, written by SQL. */
export async function seedOptimization(products: number, historyDays: number): Promise<{ productIds: string[]; ms: number }> {
  const started = performance.now();
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  try {
    await pool.query(`insert into "Organization" (id, slug, name) values ($1, $1, 'Bench optimisation') on conflict (id) do nothing`, [ORGANIZATION]);
    await pool.query(
      `insert into "Warehouse" (id, "organizationId", code, name, region, kind, capacity, "demandShare")
       values ('bo-dc-1', $1, 'DC-1', 'Central 1', 'north', 'CENTRAL', 100000000, 0),
              ('bo-dc-2', $1, 'DC-2', 'Central 2', 'south', 'CENTRAL', 100000000, 0),
              ('bo-r-1', $1, 'R-1', 'Regional 1', 'north', 'REGIONAL', 50000000, 0.5),
              ('bo-r-2', $1, 'R-2', 'Regional 2', 'east', 'REGIONAL', 50000000, 0.3),
              ('bo-r-3', $1, 'R-3', 'Regional 3', 'south', 'REGIONAL', 50000000, 0.2)`,
      [ORGANIZATION],
    );
    await pool.query(
      `insert into "TransportLane" ("organizationId", "fromWarehouseId", "toWarehouseId", "costPerUnit", "transitDays")
       select $1, 'bo-dc-' || i, 'bo-r-' || j, 0.4 + 0.3 * abs(i - j), 2 + abs(i - j) from generate_series(1, 2) i, generate_series(1, 3) j`,
      [ORGANIZATION],
    );
    await pool.query(
      `insert into "Product" (id, "organizationId", sku, name, category, "unitCost", "unitPrice")
       select 'bo-p-' || n, $1, 'OPT-' || lpad(n::text, 5, '0'), 'Optimised part ' || n, 'bench', 5 + n % 50, 12 + n % 80 from generate_series(1, $2) n`,
      [ORGANIZATION, products],
    );
    await pool.query(
      `insert into "ProductSupply" ("productId", "organizationId", supplier, "leadTimeDays", "leadTimeStdDays", "orderingCost", "holdingCostRate", "serviceLevel")
       select 'bo-p-' || n, $1, 'Supplier ' || n % 7, 7 + n % 15, 1 + n % 3, 40 + n % 60, 0.2, 0.95 from generate_series(1, $2) n`,
      [ORGANIZATION, products],
    );
    // A steady demand per product (mean 2–40 a day) with day-to-day noise, ending yesterday; in
    // slices of 1,000 products so no single statement holds millions of rows in memory.
    for (let first = 1; first <= products; first += 1_000) {
      await pool.query(
        `insert into "SalesDaily" ("organizationId", "productId", date, quantity)
         select $1, 'bo-p-' || n, current_date - d, greatest(0, round((2 + n % 39) * (0.5 + random())))::int
         from generate_series($2::int, $3::int) n, generate_series(1, $4::int) d`,
        [ORGANIZATION, first, Math.min(products, first + 999), historyDays],
      );
    }
    // Today's stock: the DCs hold plenty, the regional warehouses little (so most of them reorder
    // now and the allocation has work to do).
    await pool.query(
      `insert into "StockSnapshot" ("organizationId", "productId", "warehouseId", date, "onHand")
       select $1, 'bo-p-' || n, w.id, current_date - 1, case when w.kind = 'CENTRAL' then 500 + n % 400 else n % 30 end
       from generate_series(1, $2) n, "Warehouse" w where w."organizationId" = $1`,
      [ORGANIZATION, products],
    );
    await pool.query(`analyze "Product"; analyze "ProductSupply"; analyze "SalesDaily"; analyze "StockSnapshot"; analyze "Warehouse"; analyze "TransportLane"`);
  } finally {
    await pool.end();
  }
  return { productIds: Array.from({ length: products }, (_, index) => `bo-p-${index + 1}`), ms: performance.now() - started };
}

/** The optimisation processor's `run` for each product, `concurrency` at a time, its steps timed. */
export async function runPolicy(db: Db, productIds: readonly string[], seedMs: number, historyDays: number): Promise<PolicyRun> {
  const { concurrency } = queueSettings("optimization");
  const threads = new ThreadPool(concurrency, optimizationProcessor.threadTasks!.href);
  const steps: Record<string, number> = {};
  const durations: number[] = [];
  const failures: string[] = [];
  const owner = { ownerId: null, organizationId: ORGANIZATION };
  const runOne = async (productId: string, index: number) => {
    const controller = new AbortController();
    let current: { id: string; at: number } | undefined;
    const mark = (id: string) => {
      const at = performance.now();
      if (current) steps[current.id] = (steps[current.id] ?? 0) + at - current.at;
      current = { id, at };
    };
    const context = {
      signal: controller.signal,
      step: async (id: string) => mark(id),
      progress: async () => {},
      log: async () => {},
      owner,
      db,
      threads,
    } as unknown as Parameters<typeof optimizationProcessor.run>[1];
    const started = performance.now();
    try {
      await optimizationProcessor.run(
        { id: `bench-opt-${index}`, name: "optimize", data: catalog.optimization.payload.parse({ productId }), attempt: 1, processedOn: Date.now() },
        context,
      );
      mark("done");
      durations.push(performance.now() - started);
    } catch (error) {
      failures.push(`${productId}: ${(error as Error).message}`);
    }
  };
  try {
    // Warm-up: the threads load HiGHS and the pools open their connections before the clock starts.
    await Promise.all(productIds.slice(0, concurrency * 2).map((id, index) => runOne(id, -1 - index)));
    for (const key of Object.keys(steps)) delete steps[key];
    durations.length = 0;
    failures.length = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < productIds.length) {
          const index = next++;
          await runOne(productIds[index]!, index);
        }
      }),
    );
    const wallMs = performance.now() - started;
    durations.sort((a, b) => a - b);
    return {
      products: productIds.length,
      warehouses: 5,
      historyDays,
      concurrency,
      seedMs,
      wallMs,
      completed: durations.length,
      failed: failures.length,
      firstFailure: failures[0],
      p50Ms: quantile(durations, 0.5),
      p95Ms: quantile(durations, 0.95),
      steps,
      load: loadAverage(),
    };
  } finally {
    await threads.close();
  }
}

/** A seeded pseudo-random generator, so each run solves the same problem. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * `products` products over `sources` DCs and `destinations` regional warehouses, every DC linked to
 * every warehouse. Supply covers about 90 % of the need (so some products are fair-shared); with
 * `tightCapacity`, every fourth warehouse can take only about 70 % of what its targets add up to.
 */
export function allocationProblem(products: number, sources: number, destinations: number, { tightCapacity }: { tightCapacity: boolean }): AllocationProblem {
  const next = random(42);
  const sourceIds = Array.from({ length: sources }, (_, i) => `dc-${i}`);
  const destinationIds = Array.from({ length: destinations }, (_, j) => `w-${j}`);
  const items = Array.from({ length: products }, (_, p) => {
    const need = Object.fromEntries(destinationIds.map((id) => [id, next() < 0.6 ? Math.floor(next() * 40) : 0]));
    const total = Object.values(need).reduce((sum, value) => sum + value, 0);
    const supplyTotal = Math.round(total * (0.7 + next() * 0.4));
    const supply = Object.fromEntries(sourceIds.map((id) => [id, Math.floor(supplyTotal / sources)]));
    return { id: `p-${p}`, shortageCost: 5 + Math.floor(next() * 50), supply, need };
  });
  const needAt = destinationIds.map((id) => items.reduce((sum, item) => sum + item.need[id]!, 0));
  return {
    sources: sourceIds.map((id) => ({ id })),
    destinations: destinationIds.map((id, j) => ({ id, headroom: tightCapacity && j % 4 === 0 ? Math.floor(needAt[j]! * 0.7) : Infinity })),
    lanes: sourceIds.flatMap((from, i) => destinationIds.map((to, j) => ({ from, to, costPerUnit: Math.round((0.5 + ((i * 7 + j * 3) % 11) / 10) * 100) / 100 }))),
    products: items,
  };
}

export async function runAllocation(label: string, problem: AllocationProblem): Promise<AllocationRun> {
  const highs = await loadHighs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = allocate(problem, highs);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    label,
    products: problem.products.length,
    sources: problem.sources.length,
    destinations: problem.destinations.length,
    lanes: problem.lanes.length,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    objective: result.objective,
    shipments: result.shipments.length,
    short: result.destinations.reduce((sum, row) => sum + row.short, 0),
  };
}
