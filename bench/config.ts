import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from "../scripts/services.mjs";

/**
 * Benchmark settings, read from the environment once. Imported first by run.ts: it also points
 * the app's own env (lib/env.ts, parsed lazily on first use) at the bench database and prefix, so
 * nothing the bench imports can touch the app's data.
 */
function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** "1x3,2x3,2x6" → [[1, 3], [2, 3], [2, 6]]: worker processes × forecast concurrency per process. */
function forecastRows(name = "BENCH_FORECAST_ROWS", fallback = "1x3,2x3,2x6"): [number, number][] {
  const raw = process.env[name] ?? fallback;
  return raw.split(",").map((item) => {
    const match = /^\s*(\d+)x(\d+)\s*$/.exec(item);
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw new Error(`${name}: "${item}" is not <processes>x<concurrency>`);
    return [Number(match[1]), Number(match[2])];
  });
}

function benchDatabaseUrl(): string {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  const url = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  url.pathname = "/capliquify_bench";
  return url.toString();
}

const PARTS = ["enqueue", "forecast", "profile", "dashboard", "exports", "analytics", "optimization", "batch", "sync", "web-profile"] as const;
export type BenchPart = (typeof PARTS)[number];
/** web-profile runs only when asked for: it restarts the server under the profiler once per target. */
const DEFAULT_PARTS: BenchPart[] = ["enqueue", "forecast", "profile", "dashboard", "exports", "analytics", "optimization", "batch", "sync"];

/** BENCH_PARTS=dashboard runs only the dashboard part, and so on; every part but web-profile by default. */
function parts(): BenchPart[] {
  const raw = process.env.BENCH_PARTS;
  if (!raw) return [...DEFAULT_PARTS];
  return raw.split(",").map((item) => {
    const part = item.trim() as BenchPart;
    if (!PARTS.includes(part)) throw new Error(`BENCH_PARTS: "${item}" is not one of ${PARTS.join(", ")}`);
    return part;
  });
}

const benchPrefix = process.env.BENCH_PREFIX ?? "{capliquify-bench}";
if (!/^\{[^{}]+\}$/.test(benchPrefix)) throw new Error(`BENCH_PREFIX must be one hash tag, like {capliquify-bench}; got "${benchPrefix}"`);

export const config = {
  parts: parts(),
  databaseUrl: benchDatabaseUrl(),
  redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  /**
   * Hash-tagged like the app's own prefix; every key the bench creates starts with it
   * (BENCH_PREFIX, for two benches side by side on one Redis: each deletes its own keys).
   */
  prefix: benchPrefix,
  /** The ceiling server's queue lives under its own prefix (still inside the bench's key space). */
  ceilingPrefix: `${benchPrefix}:ceiling`,
  /** The Next ceiling's queue (bench/next-ceiling). */
  nextCeilingPrefix: `${benchPrefix}:next-ceiling`,
  /** Where the bench builds the app (BENCH_NEXT_DIST_DIR: e.g. a build of an earlier commit, for a before/after table). */
  nextDistDir: process.env.BENCH_NEXT_DIST_DIR ?? ".next-bench",
  appPort: positive("BENCH_APP_PORT", 3400),
  ceilingPort: positive("BENCH_CEILING_PORT", 3401),
  nextCeilingPort: positive("BENCH_NEXT_CEILING_PORT", 3402),
  /** Seconds of measured load per target. */
  duration: positive("BENCH_DURATION", 10),
  /** Seconds of unmeasured load before each measured run (JIT, pools, route compilation). */
  warmup: positive("BENCH_WARMUP", 3),
  connections: positive("BENCH_CONNECTIONS", 50),
  /**
   * Rounds of the Next ceiling and the app's targets, interleaved (ceiling, session, API key, floor,
   * then again), so that load from elsewhere on the machine falls on each alike; ratios are taken
   * within a round and the median round is reported.
   */
  rounds: Math.round(positive("BENCH_ROUNDS", 3)),
  /**
   * Offered rate of the app's steady-load row: latency below saturation.
   * @defaultValue half the rate the app reached at saturation in the same run
   */
  appRate: process.env.BENCH_APP_RATE ? positive("BENCH_APP_RATE", 100) : undefined,
  /** Jobs per request of the bulk rows, and how many such requests are in flight at once. */
  bulkSize: Math.round(positive("BENCH_BULK_SIZE", 1000)),
  bulkConcurrency: Math.round(positive("BENCH_BULK_CONCURRENCY", 2)),
  /** Jobs each bulk row sends in all (after one warm-up request). */
  bulkJobs: Math.round(positive("BENCH_BULK_JOBS", 50_000)),
  products: Math.round(positive("BENCH_PRODUCTS", 1000)),
  /** Products of the analytics part's organisation (× 5 warehouses × 730 days of stock). */
  analyticsProducts: Math.round(positive("BENCH_ANALYTICS_PRODUCTS", 10_000)),
  historyDays: 730,
  horizon: 30,
  /** Jobs of the in-process phase profile (concurrency 1, so the timings are not contended). */
  /** Worker processes × concurrency per process, one forecast row each. */
  forecastRows: forecastRows(),
  /** Worker processes × concurrency of the batch part's rows. */
  batchRows: forecastRows("BENCH_BATCH_ROWS", "2x3"),
  /** Products of the batch part's "forecast every product" (the 10,000). */
  batchProducts: Math.round(positive("BENCH_BATCH_PRODUCTS", 10_000)),
  profileJobs: Math.round(positive("BENCH_PROFILE_JOBS", 100)),
  /** Orders of the sync part's fake shop (the 100,000: about 200 s at Shopify's 2 requests/s). */
  syncOrders: Math.round(positive("BENCH_SYNC_ORDERS", 100_000)),
  skipBuild: process.env.BENCH_SKIP_BUILD === "1",
  /** Jobs held in Redis (with a ledger row each) while the dashboard's reads are timed. */
  dashboardJobs: Math.round(positive("BENCH_DASHBOARD_JOBS", 1_000_000)),
  /** How many of those are failed (really processed by a failing worker). */
  dashboardFailed: Math.round(positive("BENCH_DASHBOARD_FAILED", 100_000)),
  /** Timed requests per endpoint (after 3 warm-up calls). */
  dashboardSamples: Math.round(positive("BENCH_DASHBOARD_SAMPLES", 50)),
  /** Products of the optimisation part's policy run (5 warehouses each), and their days of sales. */
  optimizationProducts: Math.round(positive("BENCH_OPT_PRODUCTS", 10_000)),
  optimizationHistoryDays: 365,
  /** The allocation problem: products × (DCs + regional warehouses). */
  allocation: { products: Math.round(positive("BENCH_ALLOCATION_PRODUCTS", 1_000)), sources: 10, destinations: 40 },
  nextAuthSecret: "bench-secret-at-least-16-characters",
  /** 32 bytes of hex: seals integration credentials in the bench's production processes. */
  integrationSecretKey: "be7c".repeat(16),
  /** Targets printed next to the figures. */
  targets: { syncBudgetShare: 0.9, exportPeakRssMb: 300, enqueueRatio: 0.8, enqueueP99Ms: 50, bulkJobsPerSecond: 10_000, forecastsFor10k: 10_000, forecastSeconds: 120, dashboardMs: 300, policySeconds: 60, allocationSeconds: 10 },
} as const;

// The bench process itself uses lib/ code (enqueueJob, WorkerManager); make its lazily parsed env
// agree with the children's before anything reads it.
process.env.DATABASE_URL = config.databaseUrl;
process.env.REDIS_URL = config.redisUrl;
process.env.REDIS_PREFIX = config.prefix;
process.env.LOG_LEVEL ??= "warn";
process.env.NEXT_TELEMETRY_DISABLED = "1";
