// `npm run bench` — enqueue throughput (app vs a bare node:http BullMQ server and a bare Next route
// handler, bench/next-ceiling; single and bulk), forecast throughput (real
// worker processes), the admin dashboard's reads with a million jobs in Redis and "forecast every
// product" as one batch (a flow of 10,000 children), measured on this
// machine, printed as tables. Progress goes to
// stderr, results to stdout (`npm run bench > bench.md`). Everything lives in the capliquify_bench
// database and under the {capliquify-bench} Redis prefix (BENCH_PREFIX); children log to $TMPDIR/capliquify-bench.
//
// Settings (bench/config.ts): BENCH_DURATION (s, 10), BENCH_WARMUP (s, 3), BENCH_CONNECTIONS (50),
// BENCH_ROUNDS (3: the Next ceiling and the app's targets interleaved, ratios within a round),
// BENCH_APP_RATE (req/s offered in the steady-load row; default half the app's saturated rate),
// BENCH_BULK_SIZE (1000 jobs per bulk request), BENCH_BULK_CONCURRENCY (2), BENCH_BULK_JOBS (50000),
// BENCH_NEXT_CEILING_PORT (3402), BENCH_PRODUCTS (1000), BENCH_FORECAST_ROWS ("1x3,2x3,2x6": processes x concurrency),
// BENCH_PROFILE_JOBS (100), BENCH_SKIP_BUILD=1 (reuse .next-bench), BENCH_APP_PORT (3400),
// BENCH_CEILING_PORT (3401), BENCH_DATABASE_URL (default: DATABASE_URL's server, db capliquify_bench),
// BENCH_PREFIX ({capliquify-bench}: the Redis key space; give a second bench on the machine its own),
// BENCH_PARTS (enqueue,forecast,profile,dashboard,exports,analytics,optimization,batch,sync), BENCH_DASHBOARD_JOBS (1000000),
// BENCH_DASHBOARD_FAILED (100000), BENCH_DASHBOARD_SAMPLES (50). The exports part (CSV, JSON Lines,
// XLSX of a million sales rows; a 100-page PDF) seeds its own organisation's rows. BENCH_PARTS=web-profile (never run by
// default) profiles the enqueue targets under node --cpu-prof; build with NEXT_SERVER_MINIFY=0 (and
// BENCH_NEXT_DIST_DIR=.next-bench-prof, to keep the measured build) for the app's function names.
// BENCH_ANALYTICS_PRODUCTS (10000), BENCH_OPT_PRODUCTS (10000: the optimisation part's policy run),
// BENCH_ALLOCATION_PRODUCTS (1000: its allocation LP), BENCH_BATCH_PRODUCTS (10000: the batch part's
// "forecast every product"), BENCH_BATCH_ROWS ("2x3"), BENCH_SYNC_ORDERS (100000: the sync part's fake shop).
import { config } from "./config";
import os from "node:os";
import { Redis } from "ioredis";
import { createDb, disconnectDb, type Db } from "../lib/db";
import { QueueManager } from "../lib/jobs/queue-manager";
import { createRedis } from "../lib/redis";
import { checkRedis, ensureDatabase } from "../scripts/services.mjs";
import { countAccumulated, measure, measureBulk, startCeiling, type Accumulated, type BulkResult, type LoadResult, type Target } from "./enqueue";
import { plan, seedDashboardScale, sessionCookie, timeRequest, type DashboardSeed, type Timing } from "./dashboard";
import { printBatch, runBatchRow, type BatchRun } from "./batch";
import { seedAnalyticsScale, timeReports } from "./analytics";
import { runForecastRow, type ForecastRun, type Owner } from "./forecast";
import { allocationProblem, runAllocation, runPolicy, seedOptimization, type AllocationRun, type PolicyRun } from "./optimization";
import { measureHotPath, measureWorkerQueries, type HotPathRow } from "./hot-path";
import { buildApp, startApp, startNextCeiling } from "./next-app";
import { ChildDiedError, killAllChildrenNow, logDir, sleep, stopAllChildren, stopChild } from "./processes";
import { measureExports } from "./exports";
import { measureSync } from "./sync";
import { runProfile, type Profile } from "./profile";
import { INCLUSIVE_FRAMES, profileWeb, type WebProfile, type WebProfileTarget } from "./web-profile";
import { BENCH_ORGANIZATION, createBenchUser, type BenchUser, deleteBenchKeys, prepareDatabase, resetRunTables, seedProducts, type SeededProduct } from "./setup";
import { machineInfo, uptimeLine, waitUntilIdle } from "./system";
import { fixed, percent, quantile, section, table, verdict } from "./table";

const step = (message: string) => console.error(`▸ ${message}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function serviceVersions(): Promise<{ redis: string; postgres: string }> {
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  await redis.connect();
  const info = await redis.info("server");
  redis.disconnect();
  const db = createDb(config.databaseUrl);
  const [row] = await db.$queryRawUnsafe<{ server_version: string }[]>("show server_version");
  await disconnectDb(db);
  return { redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "?", postgres: row?.server_version ?? "?" };
}

/** One round of the interleaved targets: the Next ceiling and the app's, measured one after another. */
interface Round {
  nextCeiling: LoadResult;
  app: LoadResult;
  appApiKey: LoadResult;
  floor: LoadResult;
}

interface EnqueueRows {
  ceiling: LoadResult;
  rounds: Round[];
  steady: LoadResult;
  steadyRate: number;
  bulk: BulkResult[];
  accumulated: Accumulated;
}

const rate = (result: LoadResult) => result.summary.requestsPerSecond;
/** CPU ms per request of the server, PostgreSQL and Redis together: what one request costs the machine. */
const ownCpu = (result: LoadResult) => (result.cpu.groups.server! + result.cpu.groups.postgres! + result.cpu.groups.redis!) / result.summary.responses;
const median = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5);

/** The round whose session ratio is the median one: its rows stand for the run. */
function medianRound(rounds: Round[]): Round {
  const ordered = [...rounds].sort((a, b) => rate(a.app) / rate(a.nextCeiling) - rate(b.app) / rate(b.nextCeiling));
  return ordered[Math.floor((ordered.length - 1) / 2)]!;
}

function printEnqueue({ ceiling, rounds, steady, steadyRate, bulk, accumulated }: EnqueueRows): void {
  console.log(section(`1. Enqueue throughput — ${config.connections} keep-alive connections, ${config.duration} s each after ${config.warmup} s warm-up, ${rounds.length} interleaved round(s)`));
  const p99Target = config.targets.enqueueP99Ms;
  const ratios = (pick: (round: Round) => LoadResult) => rounds.map((round) => rate(pick(round)) / rate(round.nextCeiling));
  const sessionRatios = ratios((round) => round.app);
  const keyRatios = ratios((round) => round.appApiKey);
  const middle = medianRound(rounds);
  const cpuRatio = (result: LoadResult) => ownCpu(middle.nextCeiling) / ownCpu(result);
  const bulkRow = (size: number, concurrency: number) => bulk.find((row) => row.size === size && row.concurrency === concurrency);
  const bulkTarget = config.targets.bulkJobsPerSecond;

  console.log("\nThe issue's figures, from this run (ratios: median of the rounds; each ratio within one round):\n");
  const figures: [string, string, string, string][] = [
    ["node:http ceiling (node:http + queue.add)", `${Math.round(rate(ceiling)).toLocaleString("en-US")} req/s`, "–", "–"],
    ["Next ceiling (route handler: parse + queue.add)", `${Math.round(median(rounds.map((round) => rate(round.nextCeiling)))).toLocaleString("en-US")} req/s`, "–", "–"],
    ["app, session cookie, / Next ceiling", `${percent(median(sessionRatios), 1)} (${Math.round(rate(middle.app))} req/s)`, `≥ ${percent(config.targets.enqueueRatio)}`, verdict(median(sessionRatios) >= config.targets.enqueueRatio)],
    ["app, API key, / Next ceiling", `${percent(median(keyRatios), 1)} (${Math.round(rate(middle.appApiKey))} req/s)`, `≥ ${percent(config.targets.enqueueRatio)}`, verdict(median(keyRatios) >= config.targets.enqueueRatio)],
    ["  the same by CPU: Next ceiling's / app session's (server + postgres + redis ms per request)", percent(cpuRatio(middle.app), 1), "(idle cores)", "–"],
    ["  the same by CPU: Next ceiling's / app API key's", percent(cpuRatio(middle.appApiKey), 1), "(idle cores)", "–"],
    [`app p99, open loop at ${Math.round(steadyRate)} req/s`, `${fixed(steady.summary.p99Ms, 1)} ms`, `< ${p99Target} ms`, verdict(steady.summary.p99Ms < p99Target)],
    ...[[config.bulkSize, config.bulkConcurrency], [10_000, 1]].map(([size, concurrency]): [string, string, string, string] => {
      const row = bulkRow(size!, concurrency!);
      return [`bulk, ${size!.toLocaleString("en-US")} jobs × ${concurrency} in flight`, row ? `${Math.round(row.jobsPerSecond).toLocaleString("en-US")} jobs/s` : "not measured", `≥ ${bulkTarget.toLocaleString("en-US")} jobs/s`, row ? verdict(row.jobsPerSecond >= bulkTarget) : "–"];
    }),
  ];
  console.log(table(["figure", "measured", "target", "verdict"], figures, ["l", "r", "l", "l"]));
  console.log(`\nsession ratio per round: ${sessionRatios.map((ratio) => percent(ratio, 1)).join(", ")}; API key: ${keyRatios.map((ratio) => percent(ratio, 1)).join(", ")}`);
  console.log("The CPU ratio is the throughput ratio the two would reach on cores of their own: it leaves out what other processes on the machine took.");

  const results = [ceiling, ...rounds.flatMap((round) => [round.nextCeiling, round.app, round.appApiKey, round.floor]), steady];
  console.log("\nEvery run:\n");
  console.log(
    table(
      ["target", "req/s", "p50 ms", "p99 ms", "2xx", "errors", "non-2xx", "load 1/5/15 after"],
      results.map(({ label, summary, load }) => [
        label,
        Math.round(summary.requestsPerSecond),
        fixed(summary.p50Ms, 1),
        fixed(summary.p99Ms, 1),
        summary.ok2xx,
        summary.errors,
        summary.non2xx,
        load,
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "l"],
    ),
  );
  console.log(`\nNext ceiling / node:http ceiling: ${percent(rate(middle.nextCeiling) / rate(ceiling), 1)} — what Next itself costs`);
  console.log(`app floor / Next ceiling: ${percent(rate(middle.floor) / rate(middle.nextCeiling), 1)} — what Next + the route wrapper alone leave, before any database or Redis work`);
  console.log(`open loop at ${config.appRate ? "BENCH_APP_RATE" : "50 % of the app's saturated session rate (median round)"}; closed loop at saturation, latency = ${config.connections} / throughput by Little's law, so it is not the latency figure`);
  const floors = new Set(rounds.map((round) => round.floor));
  for (const { label, summary } of results.filter((result) => !floors.has(result))) {
    if (summary.non2xx > 0 || summary.errors > 0) console.log(`${label}: status codes ${JSON.stringify(summary.statusCodes)}, ${summary.errors} errors`);
  }
  if (bulk.length > 0) {
    console.log(`\nBulk enqueue (POST /api/v1/queues/forecast/jobs/bulk, session cookie): jobs/s end to end, from the first request sent to the last answer\n`);
    console.log(
      table(
        ["jobs per request", "in flight", "requests", "jobs", "jobs/s", "p50 ms/request", "p99 ms/request", "server CPU µs/job", "postgres CPU µs/job", "redis CPU µs/job", "machine busy", "load after", `≥ ${bulkTarget.toLocaleString("en-US")} jobs/s`],
        bulk.map((row) => [
          row.size,
          row.concurrency,
          row.requests,
          row.jobs,
          Math.round(row.jobsPerSecond),
          fixed(row.p50Ms, 0),
          fixed(row.p99Ms, 0),
          fixed((row.cpu.groups.server! * 1000) / row.jobs, 0),
          fixed((row.cpu.groups.postgres! * 1000) / row.jobs, 0),
          fixed((row.cpu.groups.redis! * 1000) / row.jobs, 0),
          percent(row.cpu.machineBusy),
          row.load,
          verdict(row.jobsPerSecond >= bulkTarget),
        ]),
      ),
    );
  }
  // Requests still in flight when autocannon stops (up to one per connection, per run) enqueue
  // without being counted as answered.
  const check = (waiting: number, answered: number, runs: number) =>
    `${waiting} jobs for ${answered} answered 201 ${waiting >= answered && waiting <= answered + runs * config.connections ? "✓" : "✗"}`;
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const nextCeilingAnswered = sum(rounds.map((round) => round.nextCeiling.responses2xx));
  const appAnswered = sum(rounds.flatMap((round) => [round.app.responses2xx, round.appApiKey.responses2xx])) + steady.responses2xx + sum(bulk.map((row) => row.jobs2xx));
  console.log(
    `\njobs in Redis afterwards: ceiling ${check(accumulated.ceilingWaiting, ceiling.responses2xx, 2)}; Next ceiling ${check(accumulated.nextCeilingWaiting, nextCeilingAnswered, 2 * rounds.length)}; app ${check(accumulated.appWaiting, appAnswered, 4 * rounds.length + 2)}, ledger rows ${accumulated.ledger} ${accumulated.ledger === accumulated.appWaiting ? "✓" : "✗"}`,
  );

  console.log("\nCPU per request over the measured window (ms of CPU time; postgres = the backends of the bench database only, redis = the shared server; machine busy = share of all cores):\n");
  console.log(
    table(
      ["target", "server", "postgres", "redis", "load generator", "other procs", "machine busy", "req/s if server had 1 idle core"],
      results.map(({ label, summary, cpu }) => {
        const requests = summary.responses;
        return [
          label,
          fixed(cpu.groups.server! / requests, 3),
          fixed(cpu.groups.postgres! / requests, 3),
          fixed(cpu.groups.redis! / requests, 3),
          fixed(cpu.groups["load generator"]! / requests, 3),
          fixed(cpu.otherMs / requests, 3),
          percent(cpu.machineBusy),
          Math.round(1000 / (cpu.groups.server! / requests)),
        ];
      }),
    ),
  );
  console.log("\nThe last column is 1000 / server CPU ms per request: a single Node process cannot go faster, whatever the load.");
}

function printHotPath(rows: HotPathRow[], app: LoadResult): void {
  console.log("\nThe endpoint's steps one call at a time, in the bench process (no HTTP, no Next; 300 calls each):\n");
  console.log(
    table(
      ["operation", "SQL statements", "CPU ms/call", "wall ms/call"],
      rows.map((row) => [row.operation, fixed(row.statements, 1), fixed(row.cpuMs, 2), fixed(row.wallMs, 2)]),
    ),
  );
  const auth = rows.find((row) => row.operation.startsWith("authenticateApiKey"));
  const enqueue = rows.find((row) => row.operation.startsWith("enqueueJob"));
  const server = app.cpu.groups.server! / app.summary.responses;
  if (auth && enqueue) {
    console.log(
      `\nauthenticateApiKey + enqueueJob = ${fixed(auth.cpuMs + enqueue.cpuMs, 2)} ms CPU of the ${fixed(server, 2)} ms the Next server spent per request under load.`,
    );
  }
}

function printForecast(runs: ForecastRun[]): void {
  const cores = os.cpus().length;
  console.log(section(`2. Forecast throughput — ${runs[0]?.jobs ?? 0} products × ${config.historyDays} days, horizon ${config.horizon}, models ["all"]`));
  const rows = runs.map((run) => [
    `${run.processes} × worker/main.ts`,
    run.concurrency,
    `${run.completed}/${run.jobs}`,
    run.failed,
    fixed(run.wallMs / 1000, 1),
    fixed(run.perSecond, 1),
    fixed(run.meanMs, 0),
    fixed(run.p95Ms, 0),
    `${fixed(config.targets.forecastsFor10k / run.perSecond, 0)} s`,
    fixed(run.enqueuePerSecond, 0),
    run.load,
  ]);
  console.log(
    table(
      ["workers", "conc/proc", "done", "failed", "wall s", "forecasts/s", "mean ms", "p95 ms", "10k projected", "enqueue/s", "load after"],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "l"],
    ),
  );
  const target = config.targets.forecastsFor10k / config.targets.forecastSeconds;
  console.log();
  for (const run of runs.filter((candidate) => candidate.processes === 2)) {
    console.log(
      `2 processes × ${run.concurrency}: 10,000 forecasts in ${fixed(config.targets.forecastsFor10k / run.perSecond, 0)} s at ${fixed(run.perSecond, 1)}/s   (target < ${config.targets.forecastSeconds} s, ≥ ${fixed(target, 1)}/s)  ${verdict(run.perSecond >= target)}`,
    );
  }
  for (const run of runs.filter((candidate) => candidate.firstFailure)) {
    console.log(`${run.processes} × ${run.concurrency}: first failure: ${run.firstFailure}`);
  }
  console.log("wall = first job picked up → last job finished (BullMQ processedOn/finishedOn); job duration = finishedOn − processedOn.");
  console.log("enqueue/s = the measured batch enqueued in-process through enqueueJob (ledger row + BullMQ add), 16 in flight.");

  console.log("\nCPU per forecast over the measured window (ms of CPU time):\n");
  console.log(
    table(
      ["workers × conc", "worker procs", "postgres", "redis", "bench poller", "other procs", "machine busy", `forecasts/s if ${cores} cores were ours`],
      runs.map((run) => {
        const own = (run.cpu.groups.workers! + run.cpu.groups.postgres! + run.cpu.groups.redis!) / run.completed;
        return [
          `${run.processes} × ${run.concurrency}`,
          fixed(run.cpu.groups.workers! / run.completed, 1),
          fixed(run.cpu.groups.postgres! / run.completed, 1),
          fixed(run.cpu.groups.redis! / run.completed, 1),
          fixed(run.cpu.groups.bench! / run.completed, 2),
          fixed(run.cpu.otherMs / run.completed, 1),
          percent(run.cpu.machineBusy),
          fixed((cores * 1000) / own, 0),
        ];
      }),
    ),
  );
  console.log(
    `\nThe last column is ${cores} × 1000 / (worker + postgres + redis CPU ms per forecast): the rate this much CPU per job allows on an otherwise idle machine. The target needs ≤ ${fixed((cores * 1000) / target, 1)} ms per forecast here.`,
  );
}

function printProfile(profile: Profile, queries: HotPathRow[]): void {
  console.log(section(`3. One forecast job, step by step — in-process WorkerManager, concurrency 1, ${profile.jobs} jobs`));
  console.log(
    table(
      ["step", "mean ms", "p50 ms", "p95 ms", "CPU all threads", "CPU main thread", "main thread waiting for a core"],
      profile.phases.map((phase) => [
        phase.phase,
        fixed(phase.meanMs, 2),
        fixed(phase.p50Ms, 2),
        fixed(phase.p95Ms, 2),
        fixed(phase.cpuMs, 2),
        fixed(phase.mainCpuMs, 2),
        fixed(phase.waitMs, 2),
      ]),
    ),
  );
  console.log("\nCPU columns are means in ms: the whole process (task thread, GC helpers included) and the main thread alone (/proc/self/schedstat).");
  console.log("After \"completed\" the worker also writes the ledger (UPDATE JobRun with the result) and an XADD; that overlaps the next job.");
  console.log(`First job of a fresh worker: forecast step ${fixed(profile.coldComputeMs, 0)} ms (it starts the task thread: tsx + forecasting modules).`);
  const cpu = profile.cpu;
  console.log(
    `CPU per job over the run: worker ${fixed(cpu.groups["worker (in-process)"]! / profile.jobs, 1)} ms, postgres ${fixed(cpu.groups.postgres! / profile.jobs, 1)} ms, redis ${fixed(cpu.groups.redis! / profile.jobs, 1)} ms (machine busy ${percent(cpu.machineBusy)}).`,
  );
  console.log("\nSQL statements per job that still go through Prisma (worker side; mean ms = Prisma's own timing). The hot path (ledger, sales, forecast save) uses pg directly and is not logged here:\n");
  console.log(table(["statement", "per job", "mean ms"], profile.sql.map((row) => [row.name, fixed(row.perJob, 2), fixed(row.meanMs, 2)])));
  console.log("\nRedis commands per job (worker's main connection; the blocking fetch connection is not counted):\n");
  console.log(table(["command", "per job"], profile.redis.map((row) => [row.name, fixed(row.perJob, 2)])));
  console.log("\nThe worker's heaviest statements through Prisma and through plain pg (200 calls each, one at a time):\n");
  console.log(
    table(
      ["operation", "CPU ms/call", "wall ms/call"],
      queries.map((row) => [row.operation, fixed(row.cpuMs, 2), fixed(row.wallMs, 2)]),
    ),
  );
}

const ANALYTICS_TARGET_S = 10;

async function partAnalytics(user: BenchUser, { db }: { db: Db }): Promise<void> {
  step(`analytics: generating 2 years × ${config.analyticsProducts.toLocaleString("en-US")} products × 5 warehouses in PostgreSQL`);
  const seed = await seedAnalyticsScale(db, config.analyticsProducts, step);
  step(`analytics: data in ${seconds(seed.ms)}; timing each report`);
  const timings = await timeReports(db, seed, user);
  console.log(section(`5. Analytics reports — ${seed.startDate} to ${seed.endDate}, ${config.analyticsProducts.toLocaleString("en-US")} products × 5 warehouses`));
  console.log(
    `\nRows: ${seed.salesRows.toLocaleString("en-US")} daily sales, ${seed.snapshotRows.toLocaleString("en-US")} daily stock snapshots, ${seed.forecasts.toLocaleString("en-US")} forecasts with ${seed.forecastPoints.toLocaleString("en-US")} points (and one model's predictions each); generated in ${seconds(seed.ms)}. Each row is the analytics processor's run in this process (no queue), load 1/5/15 before: ${os.loadavg().map((value) => value.toFixed(2)).join(" / ")}.\n`,
  );
  console.log(
    table(
      ["report", "total s", "loading s", "aggregating s", "computing s", "saving s", "report JSON", `< ${ANALYTICS_TARGET_S} s`],
      timings.map((row) => [
        row.type,
        fixed(row.ms / 1000, 2),
        fixed((row.steps.loading ?? 0) / 1000, 2),
        fixed((row.steps.aggregating ?? 0) / 1000, 2),
        fixed((row.steps.computing ?? 0) / 1000, 2),
        fixed((row.steps.saving ?? 0) / 1000, 2),
        `${(row.bodyBytes / 1_000_000).toFixed(1)} MB`,
        row.ms < ANALYTICS_TARGET_S * 1000 ? "yes" : "no",
      ]),
    ),
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log("# capliquify bench\n");
  await checkRedis(config.redisUrl);
  // Reaches the server and creates the bench database on a machine that never had one.
  await ensureDatabase(config.databaseUrl);
  for (const [key, value] of Object.entries(machineInfo())) console.log(`- ${key}: ${value}`);
  console.log(`- database: ${new URL(config.databaseUrl).pathname.slice(1)}, Redis prefix ${config.prefix}, logs in ${logDir}`);
  console.log("- the machine is shared with other engineers' builds and tests: read the load columns before the numbers");

  step(`removing old bench keys (${await deleteBenchKeys()} deleted)`);
  // Only the enqueue parts serve HTTP; the exports, analytics and optimisation parts seed their own organisations.
  const needsBuild = config.parts.some((part) => part === "enqueue" || part === "web-profile");
  const needsProducts = config.parts.some((part) => ["enqueue", "forecast", "profile", "dashboard", "web-profile", "batch"].includes(part));
  // The batch part forecasts every product of the bench organisation; the others take the first `products`.
  const seedCount = config.parts.includes("batch") ? Math.max(config.products, config.batchProducts) : config.products;
  step(`${needsBuild ? `building Next into ${config.nextDistDir} and, meanwhile, ` : ""}preparing ${needsProducts ? seedCount : 0} products × ${config.historyDays} days`);
  const build = needsBuild ? buildApp() : Promise.resolve(null);
  build.catch(() => {}); // awaited below; keep an early failure from being "unhandled" meanwhile
  await prepareDatabase();
  const seeded = needsProducts ? await seedProducts(seedCount, config.historyDays) : { products: [], rows: 0, ms: 0 };
  const products = seeded.products.slice(0, config.products);
  step(`seeded ${seeded.rows.toLocaleString("en-US")} sales rows in ${seconds(seeded.ms)}`);
  const buildMs = await build;
  step(buildMs === null ? "build skipped (BENCH_SKIP_BUILD=1)" : `built in ${seconds(buildMs)}`);

  const versions = await serviceVersions();
  console.log(`- redis ${versions.redis}, postgresql ${versions.postgres}`);
  console.log(`- setup: seeded ${seeded.rows.toLocaleString("en-US")} sales rows in ${seconds(seeded.ms)}; ${buildMs === null ? "build skipped" : `next build ${seconds(buildMs)}`}`);

  const db = createDb(config.databaseUrl);
  const queues = new QueueManager({ connection: createRedis("producer", config.redisUrl), prefix: config.prefix });
  try {
    const user = await createBenchUser(db);
    const owner: Owner = { id: user.id, role: "PLANNER", organizationId: user.organizationId };

    if (config.parts.includes("enqueue")) await partEnqueue(user, products, { db, queues });
    if (config.parts.includes("forecast")) await partForecast(products, owner, { db, queues });
    if (config.parts.includes("profile")) await partProfile(products, owner, { db, queues });
    if (config.parts.includes("dashboard")) await partDashboard(products, { db, queues });
    if (config.parts.includes("exports")) await partExports();
    if (config.parts.includes("web-profile")) await partWebProfile(user, products, { db, queues });
    if (config.parts.includes("analytics")) await partAnalytics(user, { db });
    if (config.parts.includes("optimization")) await partOptimization(db);
    if (config.parts.includes("batch")) await partBatch(seeded.products, owner, { db, queues });
    if (config.parts.includes("sync")) await partSync();
  } finally {
    await queues.close().catch(() => {});
    await disconnectDb(db).catch(() => {});
  }
  console.log(`\n_${uptimeLine()} — bench took ${seconds(performance.now() - started)}_`);
}

async function partSync(): Promise<void> {
  const row = await measureSync(step, config.syncOrders);
  console.log(section("Integration sync — every order of a fake Shopify under its rate limit (bucket 40, leaking 2/s; 0.5 % of requests answered 503)"));
  console.log(
    table(
      ["orders", "lines", "pages", "requests", "429s", "503s", "seconds", "orders/s", "budget used", "target", "sales add up", "load 1/5/15 after"],
      [[row.orders, row.lines, row.pages, row.requests, row.throttled, row.unavailable, fixed(row.seconds, 1), fixed(row.recordsPerSecond, 0), percent(row.budgetShare, 1), `≥ ${percent(config.targets.syncBudgetShare)} ${verdict(row.budgetShare >= config.targets.syncBudgetShare)}`, row.salesMatch ? "yes" : "NO", row.load]],
      ["r", "r", "r", "r", "r", "r", "r", "r", "r", "l", "l", "l"],
    ),
  );
  console.log("\nBudget used: requests the shop answered 200 ÷ what its bucket allowed from the first request to the last (40 + 2/s × seconds).");
}

async function partExports(): Promise<void> {
  const { seeded, rows } = await measureExports(step);
  console.log(section(`Exports — each in a process of its own (peak RSS sampled every 10 ms); ${seeded.toLocaleString("en-US")} sales rows seeded`));
  console.log(
    table(
      ["export", "format", "rows", "MB", "pages", "seconds", "target", "peak RSS MB", "target", "load 1/5/15 after"],
      rows.map((row) => [
        row.label,
        row.format,
        row.rows,
        fixed(row.bytes / 1_048_576, 1),
        row.pages ?? "",
        fixed(row.seconds, 1),
        `< ${row.targetSeconds} s ${verdict(row.seconds < row.targetSeconds)}`,
        fixed(row.peakRssMb, 0),
        `< ${config.targets.exportPeakRssMb} ${verdict(row.peakRssMb < config.targets.exportPeakRssMb)}`,
        row.load,
      ]),
      ["l", "l", "r", "r", "r", "r", "l", "r", "l", "l"],
    ),
  );
}

interface Deps {
  db: Db;
  queues: QueueManager;
}

async function partEnqueue(user: BenchUser, products: SeededProduct[], { db, queues }: Deps): Promise<void> {
  step("starting next start, the Next ceiling and the node:http ceiling");
  const app = await startApp();
  const nextCeilingApp = await startNextCeiling();
  const ceilingChild = await startCeiling();
  await Promise.all([app.child.pid, nextCeilingApp.child.pid].map((pid) => waitUntilIdle(pid)));
  const body = JSON.stringify({ name: "bench", data: { productId: products[0]!.id, horizon: config.horizon, models: ["all"] } });
  const url = `${app.baseUrl}/api/v1/queues/forecast/jobs`;
  // A browser's session: the cookie plus the Origin a same-origin fetch sends.
  const session = { cookie: await sessionCookie({ ...user, role: "PLANNER" }), origin: app.baseUrl };
  const apiKey = { authorization: `Bearer ${user.apiKey}` };
  const run = (label: string, target: Omit<Target, "label">, rate?: number) => {
    step(`enqueue: ${label} (${config.warmup} s warm-up + ${config.duration} s)   [${uptimeLine()}]`);
    return measure({ label, ...target }, rate);
  };
  const ceiling = await run("ceiling (node:http + queue.add)", { url: `http://127.0.0.1:${config.ceilingPort}/jobs`, headers: {}, body, pgid: ceilingChild.pid });
  const rounds: Round[] = [];
  for (let index = 1; index <= config.rounds; index++) {
    const tag = config.rounds > 1 ? ` [round ${index}]` : "";
    rounds.push({
      nextCeiling: await run(`Next ceiling (route handler: parse + queue.add)${tag}`, { url: `${nextCeilingApp.baseUrl}/jobs`, headers: {}, body, pgid: nextCeilingApp.child.pid }),
      app: await run(`app, session cookie (POST /api/v1/queues/forecast/jobs)${tag}`, { url, headers: session, body, pgid: app.child.pid }),
      appApiKey: await run(`app, API key (same route)${tag}`, { url, headers: apiKey, body, pgid: app.child.pid }),
      floor: await run(`app floor (same route, key rejected: 401, no I/O)${tag}`, { url, headers: { authorization: "Bearer not-an-api-key" }, body, pgid: app.child.pid, expectStatus: 401 }),
    });
  }
  const steadyRate = config.appRate ?? median(rounds.map((round) => rate(round.app))) / 2;
  const steady = await run(`app, session cookie, open loop at ${Math.round(steadyRate)} req/s`, { url, headers: session, body, pgid: app.child.pid }, steadyRate);
  const bulk: BulkResult[] = [];
  const bulkTarget = {
    label: "bulk",
    url: `${url}/bulk`,
    headers: session,
    pgid: app.child.pid,
    body: (size: number) => bulkBody(products, size),
  };
  for (const [size, concurrency] of [[config.bulkSize, config.bulkConcurrency], [10_000, 1]] as const) {
    step(`enqueue: bulk, ${size} jobs per request, ${concurrency} in flight, ${config.bulkJobs} jobs   [${uptimeLine()}]`);
    // A build without the bulk route (an older checkout, for a before/after table) skips the rows.
    const row = await measureBulk(bulkTarget, size, concurrency, config.bulkJobs).catch((error: Error) => {
      step(`  bulk row not measured: ${error.message}`);
      return null;
    });
    if (row) bulk.push(row);
  }
  await sleep(1_000); // let requests the load generator abandoned at the end finish
  const ceilingQueues = new QueueManager({ connection: createRedis("producer", config.redisUrl), prefix: config.ceilingPrefix });
  const nextCeilingQueues = new QueueManager({ connection: createRedis("producer", config.redisUrl), prefix: config.nextCeilingPrefix });
  const accumulated = await countAccumulated(queues, ceilingQueues, nextCeilingQueues, db);
  await Promise.all([ceilingQueues.close(), nextCeilingQueues.close()]);
  await Promise.all([stopChild(app.child), stopChild(nextCeilingApp.child), stopChild(ceilingChild)]);
  await queues.queue("forecast").obliterate({ force: true });
  await deleteBenchKeys();
  step(`enqueue hot path: each step alone, in-process   [${uptimeLine()}]`);
  const hotPath = await measureHotPath(user.apiKey, products[0]!.id);
  await deleteBenchKeys();
  await resetRunTables(db);
  printEnqueue({ ceiling, rounds, steady, steadyRate, bulk, accumulated });
  printHotPath(hotPath, medianRound(rounds).app);
}

/** A bulk launch of `size` forecasts, over the seeded products in turn. */
function bulkBody(products: SeededProduct[], size: number): string {
  return JSON.stringify({ jobs: Array.from({ length: size }, (_, index) => ({ name: "bench-bulk", data: { productId: products[index % products.length]!.id, horizon: config.horizon, models: ["all"] } })) });
}

/** The enqueue targets once more, each against a fresh server under `node --cpu-prof`. */
async function partWebProfile(user: BenchUser, products: SeededProduct[], { db, queues }: Deps): Promise<void> {
  const appUrl = `http://127.0.0.1:${config.appPort}`;
  const body = JSON.stringify({ name: "bench", data: { productId: products[0]!.id, horizon: config.horizon, models: ["all"] } });
  const url = `${appUrl}/api/v1/queues/forecast/jobs`;
  const session = { cookie: await sessionCookie({ ...user, role: "PLANNER" }), origin: appUrl };
  const targets: WebProfileTarget[] = [
    { label: "Next ceiling", start: startNextCeiling, url: `http://127.0.0.1:${config.nextCeilingPort}/jobs`, headers: {}, body },
    { label: "app floor (401)", start: startApp, url, headers: { authorization: "Bearer not-an-api-key" }, body },
    { label: "app, API key", start: startApp, url, headers: { authorization: `Bearer ${user.apiKey}` }, body },
    { label: "app, session cookie", start: startApp, url, headers: session, body },
    {
      label: `app, bulk ${config.bulkSize} jobs (per job)`,
      start: startApp,
      url: `${url}/bulk`,
      headers: session,
      body: bulkBody(products, config.bulkSize),
      connections: config.bulkConcurrency,
      jobsPerRequest: config.bulkSize,
    },
  ];
  const profiles: WebProfile[] = [];
  for (const target of targets) {
    step(`web profile: ${target.label} under --cpu-prof   [${uptimeLine()}]`);
    profiles.push(await profileWeb(target));
  }
  await queues.queue("forecast").obliterate({ force: true });
  await deleteBenchKeys();
  await resetRunTables(db);
  printWebProfile(profiles);
}

function printWebProfile(profiles: WebProfile[]): void {
  console.log(section(`5. Server CPU profile per request — node --cpu-prof, ${config.connections} connections, ${config.duration} s per target after ${config.warmup} s warm-up`));
  const perRequest = (profile: WebProfile, ms: number) => fixed((ms * 1000) / profile.requests, 0);
  console.log("\nSampled CPU of the server's main thread, µs per request (idle excluded; GC helper threads are not sampled):\n");
  console.log(table(["target", "requests (jobs, bulk)", "µs/request (per job, bulk)"], profiles.map((profile) => [profile.label, profile.requests, perRequest(profile, profile.summary.busyMs)])));
  console.log("\nInclusive time of the wrapper's steps and named functions, µs per request (a function and all it calls):\n");
  console.log(
    table(
      ["function", ...profiles.map((profile) => profile.label)],
      INCLUSIVE_FRAMES.map((name, index) => [name, ...profiles.map((profile) => perRequest(profile, profile.summary.inclusive[index]!.ms))]),
    ),
  );
  for (const profile of profiles) {
    console.log(`\n${profile.label}: self time by package or file, µs per request\n`);
    console.log(table(["package / file", "µs/request"], profile.summary.selfByModule.slice(0, 12).map((row) => [row.frame, perRequest(profile, row.ms)]), ["l", "r"]));
    console.log(`\n${profile.label}: top self-time frames, µs per request\n`);
    console.log(table(["function", "where", "µs/request"], profile.summary.selfByFrame.slice(0, 20).map((row) => [row.frame, row.where, perRequest(profile, row.ms)]), ["l", "l", "r"]));
  }
}

async function partForecast(products: SeededProduct[], owner: Owner, { db, queues }: Deps): Promise<void> {
  const runs: ForecastRun[] = [];
  for (const [processes, concurrency] of config.forecastRows) {
    step(`forecast: ${processes} process(es) × concurrency ${concurrency}, ${config.products} jobs   [${uptimeLine()}]`);
    const run = await runForecastRow(processes, concurrency, products, owner, { db, queues }).catch((error: unknown) => {
      // Other engineers share the machine; a worker killed from outside gets the row one retry.
      if (!(error instanceof ChildDiedError)) throw error;
      step(`  ${error.message} — running the row again`);
      return runForecastRow(processes, concurrency, products, owner, { db, queues });
    });
    step(`  ${run.completed} done in ${seconds(run.wallMs)} → ${run.perSecond.toFixed(1)}/s`);
    runs.push(run);
  }
  printForecast(runs);
}

async function partBatch(products: SeededProduct[], owner: Owner, { db, queues }: Deps): Promise<void> {
  const runs: BatchRun[] = [];
  for (const [processes, concurrency] of config.batchRows) {
    step(`batch: ${products.length} products as one flow, ${processes} process(es) × concurrency ${concurrency}   [${uptimeLine()}]`);
    const run = await runBatchRow(processes, concurrency, products, owner, { db, queues });
    step(`  enqueued in ${seconds(run.enqueueMs)}, processed in ${seconds(run.processMs)}`);
    runs.push(run);
  }
  printBatch(runs);
  await resetRunTables(db);
  await deleteBenchKeys();
}

async function partProfile(products: SeededProduct[], owner: Owner, { db, queues }: Deps): Promise<void> {
  step(`profile: ${config.profileJobs} jobs in-process at concurrency 1   [${uptimeLine()}]`);
  const profile = await runProfile(products.slice(0, config.profileJobs), owner, { db, queues });
  step("worker queries: Prisma vs pg, one call at a time");
  const workerQueries = await measureWorkerQueries(products[0]!.id);
  printProfile(profile, workerQueries);
  await resetRunTables(db);
  await deleteBenchKeys();
}

async function partDashboard(products: SeededProduct[], { db, queues }: Deps): Promise<void> {
  step(`dashboard: filling Redis with ${config.dashboardJobs.toLocaleString("en-US")} jobs (${config.dashboardFailed.toLocaleString("en-US")} failed) and the ledger with their rows   [${uptimeLine()}]`);
  const admin = await db.user.create({
    data: { email: `bench-admin-${Date.now()}@bench.local`, name: "Bench Admin", role: "ADMIN", organizationId: BENCH_ORGANIZATION, passwordHash: "!" },
  });
  const seed = await seedDashboardScale(products, admin, { db, queues }, step);
  step(`  seeded in ${seconds(seed.ms)}; starting next start   [${uptimeLine()}]`);
  const cookie = await sessionCookie({ ...admin, role: "ADMIN" });
  const app = await startApp();
  const timings: Timing[] = [];
  try {
    const groups = (await (await fetch(`${app.baseUrl}/api/v1/failed-groups?queue=import`, { headers: { cookie } })).json().catch(() => null)) as {
      groups?: { fingerprint: string }[];
    } | null;
    const fingerprint = groups?.groups?.[0]?.fingerprint ?? "missing";
    const layout = plan(config.dashboardJobs, config.dashboardFailed);
    const lastPage = (queue: string) => Math.max(1, Math.ceil(layout.find((entry) => entry.queue === queue)!.count / 50));
    const failedPage = Math.min(1_000, lastPage("import"));
    const targets: [string, string][] = [
      ["stats: all queues (overview)", "/api/v1/queues"],
      ["stats: one queue", "/api/v1/queues/forecast/stats"],
      ["history: all queues, a week", "/api/v1/metrics?queue=all&range=week"],
      ["history: one queue, a day", "/api/v1/metrics?queue=import&range=day"],
      ["job list: waiting, first page", "/api/v1/queues/forecast/jobs?state=waiting&page=1&pageSize=50"],
      ["job list: waiting, last page", `/api/v1/queues/forecast/jobs?state=waiting&page=${lastPage("forecast")}&pageSize=50`],
      [`job list: failed, page ${failedPage.toLocaleString("en-US")}`, `/api/v1/queues/import/jobs?state=failed&page=${failedPage}&pageSize=50`],
      ["job list: delayed, first page", "/api/v1/queues/sync/jobs?state=delayed&page=1&pageSize=50"],
      ["search: product SKU", `/api/v1/runs?q=${encodeURIComponent(seed.sampleSku)}`],
      ["search: owner + state", `/api/v1/runs?owner=${encodeURIComponent(seed.ownerEmail)}&state=failed`],
      ["search: queue + date range", `/api/v1/runs?queue=export&from=${new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}`],
      ["failed groups: all queues", "/api/v1/failed-groups"],
      ["failed group: its jobs", `/api/v1/failed-groups/${fingerprint}/jobs`],
      ["page: /queues", "/queues"],
      ["page: /queues/forecast (waiting)", "/queues/forecast?state=waiting"],
      ["page: /jobs search", `/jobs?q=${encodeURIComponent(seed.sampleSku)}`],
      ["page: /failed", "/failed"],
      ["page: /failed/<fingerprint>", `/failed/${fingerprint}`],
      ["audit log: first page", "/api/v1/audit"],
      ["page: /audit", "/audit"],
    ];
    for (const [label, path] of targets) {
      step(`  timing ${label}`);
      timings.push(await timeRequest(app.baseUrl, label, path, cookie, config.dashboardSamples));
    }
  } finally {
    await stopChild(app.child);
  }
  printDashboard(seed, timings);
  await resetRunTables(db);
  await deleteBenchKeys();
}

function printDashboard(seed: DashboardSeed, timings: Timing[]): void {
  console.log(
    section(
      `4. Admin dashboard at scale — ${seed.jobs.toLocaleString("en-US")} jobs in Redis (${seed.failed.toLocaleString("en-US")} failed), ${seed.ledgerRows.toLocaleString("en-US")} ledger rows; ${config.dashboardSamples} sequential requests each`,
    ),
  );
  console.log(
    table(
      ["endpoint", "path", "status", "p50 ms", "p95 ms", "max ms", "KiB", `< ${config.targets.dashboardMs} ms`],
      timings.map((timing) => [
        timing.label,
        timing.path.length > 60 ? `${timing.path.slice(0, 57)}…` : timing.path,
        timing.status,
        fixed(timing.p50Ms, 1),
        fixed(timing.p95Ms, 1),
        fixed(timing.maxMs, 1),
        fixed(timing.bytes / 1024, 1),
        timing.status === 200 ? verdict(timing.p95Ms < config.targets.dashboardMs) : "✗ not 200",
      ]),
      ["l", "l", "r", "r", "r", "r", "r", "l"],
    ),
  );
  console.log(`\nSeeding took ${(seed.ms / 1000).toFixed(0)} s. Times are wall time per request on loopback, one at a time, as an admin signed in with a session cookie (p95 against the ${config.targets.dashboardMs} ms target).`);
}

let cleaningUp = false;
async function cleanup(): Promise<void> {
  if (cleaningUp) return;
  cleaningUp = true;
  await stopAllChildren();
  await deleteBenchKeys().catch((error: Error) => console.error(`could not remove bench keys: ${error.message}`));
}

process.on("exit", killAllChildrenNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping children and removing bench keys`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(cleanup)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await cleanup();
    process.exit(1);
  });

async function partOptimization(db: Db): Promise<void> {
  const { optimizationProducts: products, optimizationHistoryDays: days } = config;
  step(`optimisation: seeding ${products.toLocaleString("en-US")} products × 5 warehouses, ${days} days of sales each`);
  const seeded = await seedOptimization(products, days);
  step(`optimisation: the processor for each product   [${uptimeLine()}]`);
  const policy = await runPolicy(db, seeded.productIds, seeded.ms, days);
  const { products: allocationProducts, sources, destinations } = config.allocation;
  const allocations: AllocationRun[] = [];
  for (const tightCapacity of [false, true]) {
    const label = tightCapacity ? "capacity binding at every 4th warehouse (one coupled model)" : "free capacity (100 products to an LP)";
    step(`optimisation: allocation, ${label}   [${uptimeLine()}]`);
    allocations.push(await runAllocation(label, allocationProblem(allocationProducts, sources, destinations, { tightCapacity })));
  }
  printOptimization(policy, allocations);
}

function printOptimization(policy: PolicyRun, allocations: AllocationRun[]): void {
  console.log(section(`5. Inventory optimisation — policy for ${policy.products.toLocaleString("en-US")} products × ${policy.warehouses} warehouses; allocation of ${config.allocation.products} products × ${config.allocation.sources + config.allocation.destinations} warehouses`));
  const stepTotal = Object.values(policy.steps).reduce((sum, ms) => sum + ms, 0);
  console.log(
    table(
      ["policy run", "done", "failed", "concurrency", "wall s", "products/s", "p50 ms", "p95 ms", "target", "load after"],
      [
        [
          "optimisation processor, every product",
          `${policy.completed}/${policy.products}`,
          policy.failed,
          policy.concurrency,
          fixed(policy.wallMs / 1000, 1),
          fixed(policy.completed / (policy.wallMs / 1000), 0),
          fixed(policy.p50Ms, 1),
          fixed(policy.p95Ms, 1),
          `< ${config.targets.policySeconds} s ${verdict(policy.failed === 0 && policy.wallMs < config.targets.policySeconds * 1000)}`,
          policy.load,
        ],
      ],
      ["l", "r", "r", "r", "r", "r", "r", "r", "l", "l"],
    ),
  );
  console.log("\nWhere a product's time goes (the processor's steps, summed over all products and divided by them):\n");
  console.log(
    table(
      ["step", "ms/product", "share"],
      Object.entries(policy.steps).map(([id, ms]) => [id, fixed(ms / policy.completed, 2), percent(ms / stepTotal)]),
      ["l", "r", "r"],
    ),
  );
  if (policy.firstFailure) console.log(`\nfirst failure: ${policy.firstFailure}`);
  console.log(
    `\nMeasured: optimizationProcessor.run per product — product, ${policy.historyDays} days of sales and the network loaded from PostgreSQL, policies computed, the allocation solved in a task thread (HiGHS), the result saved — ${policy.concurrency} at a time (the queue's concurrency) in one process. Not measured: BullMQ, the ledger and progress events. Seeding took ${seconds(policy.seedMs)}.`,
  );
  console.log();
  console.log(
    table(
      ["allocation", "products", "DCs × warehouses", "lanes", "solve s", "CPU s", "objective", "shipments", "units short", "target"],
      allocations.map((run) => [
        run.label,
        run.products,
        `${run.sources} × ${run.destinations}`,
        run.lanes,
        fixed(run.ms / 1000, 2),
        fixed(run.cpuMs / 1000, 2),
        fixed(run.objective, 0),
        run.shipments,
        run.short,
        `< ${config.targets.allocationSeconds} s ${verdict(run.ms < config.targets.allocationSeconds * 1000)}`,
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "l"],
    ),
  );
  console.log("allocate() on the main thread, targets (fair share) included; the model text is built and solved by HiGHS (WebAssembly).");
}
