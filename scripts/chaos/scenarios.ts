import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { sleep } from "../../bench/processes";
import { createApiKey } from "../../lib/auth/api-keys";
import { createDb, disconnectDb } from "../../lib/db";
import { demoProducts, generateDailySales } from "../../lib/demo/sales-generator";
import { queueDefinition } from "../../lib/jobs/catalog";
import { listWorkers } from "../../lib/jobs/worker-registry";
import { Load } from "./load";
import type { ChaosStack } from "./stack";

/**
 * The three fault scenarios of `npm run chaos` and of tests/chaos: each runs the steady load of
 * load.ts against a ChaosStack, injects its fault, waits for every accepted job to finish and
 * then accounts for each job in PostgreSQL and Redis.
 */
export interface ChaosSettings {
  /** Launches per second. */
  rate: number;
  notificationShare: number;
  /** Worker SIGKILLs, and the random pause before each (ms). */
  kills: number;
  killGapMs: [number, number];
  /** How long Redis / PostgreSQL stay down (ms). */
  redisDownMs: number;
  postgresDownMs: number;
  /** How Redis and PostgreSQL go down: a crash (`kill`, `immediate`) or a clean stop (`term`, `fast`). */
  redisStop: "kill" | "term";
  postgresStop: "fast" | "immediate";
  /** Load before the fault and after recovery (ms). */
  loadBeforeMs: number;
  loadAfterMs: number;
  /** How long the accepted jobs may take to finish once the load stops (ms). */
  drainTimeoutMs: number;
}

export interface Fixture {
  plannerKey: string;
  adminKey: string;
  recipientId: string;
  productIds: string[];
}

const ORGANIZATION = "chaos-org";
const FORECAST = queueDefinition("forecast").name;
const NOTIFICATION = queueDefinition("notification").name;

/** The organisation, a planner and an admin with API keys, products with daily sales. */
export async function seed(stack: ChaosStack, { products = 12, days = 180 } = {}): Promise<Fixture> {
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  const db = createDb(stack.databaseUrl);
  try {
    await pool.query(`insert into "Organization" (id, slug, name) values ($1, $1, 'Chaos manufacturing') on conflict (id) do nothing`, [ORGANIZATION]);
    const user = (role: "PLANNER" | "ADMIN") =>
      db.user.create({ data: { email: `chaos-${role.toLowerCase()}@chaos.local`, name: `Chaos ${role}`, role, organizationId: ORGANIZATION, passwordHash: "!" } });
    const [planner, admin] = await Promise.all([user("PLANNER"), user("ADMIN")]);
    const [plannerKey, adminKey] = await Promise.all([createApiKey(planner.id, "chaos", { db }), createApiKey(admin.id, "chaos", { db })]);
    const end = new Date();
    end.setUTCDate(end.getUTCDate() - 1);
    const templates = demoProducts(products).map((template) => ({ id: `chaos_${template.sku.toLowerCase()}`, ...template }));
    for (const [index, product] of templates.entries()) {
      await pool.query(`insert into "Product" ("organizationId", id, sku, name, category, "unitCost") values ($1, $2, $3, $4, $5, $6)`, [
        ORGANIZATION,
        product.id,
        product.sku,
        product.name,
        product.category,
        product.unitCost,
      ]);
      const sales = generateDailySales(product.profile, end, days, 1_000 + index);
      await pool.query(
        `insert into "SalesDaily" ("organizationId", "productId", date, quantity) select $1, $2, * from unnest($3::date[], $4::int[])`,
        [ORGANIZATION, product.id, sales.map((sale) => sale.date.toISOString().slice(0, 10)), sales.map((sale) => sale.quantity)],
      );
    }
    return { plannerKey: plannerKey.key, adminKey: adminKey.key, recipientId: planner.id, productIds: templates.map((product) => product.id) };
  } finally {
    await pool.end();
    await disconnectDb(db);
  }
}

export interface ScenarioResult {
  scenario: string;
  faults: string;
  launches: number;
  acceptedForecasts: number;
  acceptedNotifications: number;
  refused: number;
  unconfirmed: number;
  /** Answers that were neither 2xx nor a JSON 503 (500s, timeouts, other shapes). */
  otherAnswers: number;
  completed: number;
  /** Notification jobs: no processor yet, so they must still be waiting, in Redis and the ledger. */
  held: number;
  duplicated: number;
  lost: number;
  /** Jobs whose ledger state and Redis state disagree at the end (or that exist on one side only). */
  ledgerMismatches: number;
  /** Recovery, in words and figures. */
  recovery: string;
  /** Accepted load stopped → every accepted job finished (ms); null when the drain timed out. */
  drainMs: number | null;
  /** Everything that went wrong, precisely; empty when the scenario held. */
  findings: string[];
}

interface Tools {
  redis: Redis;
  forecasts: Queue;
  notifications: Queue;
  pool: pg.Pool;
  close(): Promise<void>;
}

function tools(stack: ChaosStack): Tools {
  const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 100, 1_000) });
  redis.on("error", () => {});
  const forecasts = new Queue(FORECAST, { connection: redis, prefix: stack.prefix });
  const notifications = new Queue(NOTIFICATION, { connection: redis, prefix: stack.prefix });
  // Redis goes away on purpose; the queues reconnect by themselves.
  for (const queue of [forecasts, notifications]) queue.on("error", () => {});
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2, connectionTimeoutMillis: 3_000 });
  pool.on("error", () => {});
  return {
    redis,
    forecasts,
    notifications,
    pool,
    async close() {
      await Promise.all([forecasts.close(), notifications.close()]);
      redis.disconnect();
      await pool.end();
    },
  };
}

function startLoad(stack: ChaosStack, fixture: Fixture, settings: ChaosSettings): Load {
  const load = new Load({ baseUrl: stack.baseUrl, ...fixture, rate: settings.rate, notificationShare: settings.notificationShare });
  load.start();
  return load;
}

const FINAL_LEDGER = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

/** Waits until every accepted forecast is finished in Redis and final in the ledger; ms taken, or null at the deadline. */
async function drain(load: Load, t: Tools, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  const ids = load.accepted().filter((job) => job.kind !== "notification").map((job) => job.jobId);
  for (;;) {
    const [finished, ledger] = await Promise.all([
      t.forecasts.getRanges(["completed", "failed"], 0, -1).then((list) => new Set(list)),
      t.pool.query<{ id: string; state: string }>(`select id, state from "JobRun" where id = any($1)`, [ids]).catch(() => ({ rows: [] })),
    ]);
    const final = new Set(ledger.rows.filter((row) => FINAL_LEDGER.has(row.state)).map((row) => row.id));
    if (ids.every((id) => finished.has(id) && final.has(id))) return Date.now() - started;
    if (Date.now() - started > timeoutMs) return null;
    await sleep(500);
  }
}

type RedisState = "completed" | "failed" | "waiting" | "prioritized" | "active" | "delayed" | "missing";
const LEDGER_FOR: Record<Exclude<RedisState, "missing">, string[]> = {
  completed: ["COMPLETED"],
  failed: ["FAILED", "CANCELLED"],
  waiting: ["WAITING", "PRIORITIZED"],
  prioritized: ["WAITING", "PRIORITIZED"],
  active: ["ACTIVE"],
  delayed: ["DELAYED"],
};

async function redisStates(queue: Queue): Promise<Map<string, RedisState>> {
  const states = new Map<string, RedisState>();
  for (const state of ["completed", "failed", "waiting", "prioritized", "active", "delayed"] as const) {
    for (const id of await queue.getRanges([state], 0, -1)) states.set(id, state);
  }
  return states;
}

/** Counts every accepted job in PostgreSQL and Redis; jobs and rows created since `since` that no launch accounts for are findings. */
interface Fault {
  service: string;
  downAt: number;
  upAt: number;
}

async function account(load: Load, t: Tools, since: number, fault?: Fault): Promise<Pick<ScenarioResult, "completed" | "held" | "duplicated" | "lost" | "ledgerMismatches"> & { findings: string[] }> {
  const findings: string[] = [];
  const accepted = load.accepted();
  const forecastIds = accepted.filter((job) => job.kind !== "notification").map((job) => job.jobId);
  const notificationIds = accepted.filter((job) => job.kind === "notification").map((job) => job.jobId);
  const [forecastStates, notificationStates] = await Promise.all([redisStates(t.forecasts), redisStates(t.notifications)]);
  const sinceIso = new Date(since - 1_000).toISOString();
  const rows = async <T extends pg.QueryResultRow>(sql: string, values: unknown[]) => (await t.pool.query<T>(sql, values)).rows;
  const forecastRows = await rows<{ jobId: string; n: number }>(
    `select "jobId", count(*)::int as n from "Forecast" where "jobId" = any($1) or "createdAt" >= $2::timestamp group by 1`,
    [forecastIds, sinceIso],
  );
  const acceptedIds = new Set([...forecastIds, ...notificationIds]);
  // Jobs of an earlier window whose forecast was saved in this one: finished just before it began
  // (the one-second margin) or run again by BullMQ after a kill. Re-running replaces the job's own
  // row (one per job id), so that alone is no duplicate: their effects are counted like this window's.
  const resaved = forecastRows.map((row) => row.jobId).filter((id) => !acceptedIds.has(id));
  const effectIds = [...forecastIds, ...resaved];
  const [ledger, notices, completedEvents] = await Promise.all([
    // Also the rows of forecasts saved in this window for jobs of an earlier one (a job that ran again).
    rows<{ id: string; queue: string; state: string; failedReason: string | null; createdAt: Date; finishedAt: Date | null }>(
      `select id, queue, state::text, "failedReason", "createdAt", "finishedAt" from "JobRun" where id = any($1) or "createdAt" >= $2::timestamp`,
      [[...forecastIds, ...notificationIds, ...resaved], sinceIso],
    ),
    rows<{ jobId: string; n: number }>(`select "jobId", count(*)::int as n from "Notification" where "jobId" = any($1) group by 1`, [effectIds]),
    rows<{ runId: string; n: number }>(`select "runId", count(*)::int as n from "JobRunEvent" where kind = 'completed' and "runId" = any($1) group by 1`, [effectIds]),
  ]);
  const ledgerById = new Map(ledger.map((row) => [row.id, row]));
  const forecastsByJob = new Map(forecastRows.map((row) => [row.jobId, row.n]));
  const noticesByJob = new Map(notices.map((row) => [row.jobId, row.n]));
  const eventsByRun = new Map(completedEvents.map((row) => [row.runId, row.n]));
  const sample = (list: string[]) => (list.length > 5 ? `${list.slice(0, 5).join("; ")}; … (${list.length} in all)` : list.join("; "));

  let completed = 0;
  const lost: string[] = [];
  const duplicated: string[] = [];
  const resavedIncomplete: string[] = [];
  for (const id of effectIds) {
    const run = ledgerById.get(id);
    const state = forecastStates.get(id) ?? "missing";
    const saved = forecastsByJob.get(id) ?? 0;
    const done = run?.state === "COMPLETED" && state === "completed" && saved === 1;
    const described = `${id}: ledger ${run?.state ?? "no row"}${run?.failedReason ? ` (${run.failedReason})` : ""}, Redis ${state}, ${saved} forecast row(s)`;
    if (!acceptedIds.has(id)) {
      // Without a ledger row it is an orphan, reported below.
      if (run && !done) resavedIncomplete.push(described);
    } else if (done) completed++;
    else lost.push(described);
    const twice = [saved > 1 && `${saved} forecast rows`, (noticesByJob.get(id) ?? 0) > 1 && `${noticesByJob.get(id)} notifications`, (eventsByRun.get(id) ?? 0) > 1 && `${eventsByRun.get(id)} "completed" timeline events`].filter(Boolean);
    if (twice.length > 0) duplicated.push(`${id}: ${twice.join(", ")}`);
  }
  if (lost.length > 0) findings.push(`${lost.length} accepted forecast job(s) did not complete exactly once: ${sample(lost)}`);
  if (duplicated.length > 0) findings.push(`${duplicated.length} job(s) with effects more than once: ${sample(duplicated)}`);
  if (resavedIncomplete.length > 0) findings.push(`${resavedIncomplete.length} job(s) of an earlier window saved again here and not completed: ${sample(resavedIncomplete)}`);

  let held = 0;
  const notHeld: string[] = [];
  for (const id of notificationIds) {
    const state = notificationStates.get(id) ?? "missing";
    const run = ledgerById.get(id);
    if ((state === "prioritized" || state === "waiting") && run && LEDGER_FOR[state].includes(run.state)) held++;
    else notHeld.push(`${id}: ledger ${run?.state ?? "no row"}, Redis ${state}`);
  }
  if (notHeld.length > 0) findings.push(`${notHeld.length} accepted notification job(s) not held: ${sample(notHeld)}`);

  // Ledger against Redis, for every job of the window on either side.
  const mismatches: string[] = [];
  const windowJobs = new Map<string, RedisState>();
  for (const [queue, states] of [[t.forecasts, forecastStates], [t.notifications, notificationStates]] as const) {
    const ids = [...states.keys()].filter((id) => !acceptedIds.has(id));
    const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
    for (const job of jobs) if (job && job.timestamp >= since - 1_000) windowJobs.set(job.id!, states.get(job.id!)!);
    for (const id of acceptedIds) if (states.has(id)) windowJobs.set(id, states.get(id)!);
  }
  for (const id of acceptedIds) if (!windowJobs.has(id)) windowJobs.set(id, "missing");
  for (const [id, state] of windowJobs) {
    const run = ledgerById.get(id);
    if (state === "missing") {
      if (run && run.state !== "COMPLETED" && run.state !== "FAILED") mismatches.push(`${id}: ledger ${run.state}, not in Redis`);
      else if (!run) mismatches.push(`${id}: accepted, in neither Redis nor the ledger`);
    } else if (!run) mismatches.push(`${id}: Redis ${state}, no ledger row${acceptedIds.has(id) ? "" : " (a launch whose answer was lost)"}`);
    else if (!LEDGER_FOR[state].includes(run.state)) mismatches.push(`${id}: Redis ${state}, ledger ${run.state}`);
  }
  for (const run of ledger) if (!windowJobs.has(run.id) && !FINAL_LEDGER.has(run.state)) mismatches.push(`${run.id}: ledger ${run.state}, not in Redis`);
  const orphanForecasts = forecastRows.filter((row) => !acceptedIds.has(row.jobId) && !ledgerById.has(row.jobId));
  if (orphanForecasts.length > 0) {
    // When the job was added, against the fault: in flight when the service went, or sent while it was away.
    const when = await Promise.all(
      orphanForecasts.map(async (row) => {
        const job = await t.forecasts.getJob(row.jobId);
        if (!job || !fault) return row.jobId;
        return `${row.jobId} (added ${((job.timestamp - fault.downAt) / 1000).toFixed(2)} s after ${fault.service} went down, ${((job.timestamp - fault.upAt) / 1000).toFixed(2)} s after it was back)`;
      }),
    );
    findings.push(`${orphanForecasts.length} forecast row(s) of jobs that no launch was told about and that have no ledger row: ${sample(when)}`);
  }
  if (mismatches.length > 0) findings.push(`${mismatches.length} ledger/Redis disagreement(s): ${sample(mismatches)}`);
  return { completed, held, duplicated: duplicated.length, lost: lost.length + notHeld.length, ledgerMismatches: mismatches.length, findings };
}

function answerCounts(load: Load, findings: string[]): Pick<ScenarioResult, "launches" | "acceptedForecasts" | "acceptedNotifications" | "refused" | "unconfirmed" | "otherAnswers"> {
  const other = load.answers.filter((answer) => answer.problem);
  if (other.length > 0) {
    const kinds = new Map<string, number>();
    for (const answer of other) kinds.set(answer.problem!.slice(0, 100), (kinds.get(answer.problem!.slice(0, 100)) ?? 0) + 1);
    findings.push(`${other.length} answer(s) neither 2xx nor a JSON 503: ${[...kinds].map(([text, n]) => `${n}× ${text}`).join("; ")}`);
  }
  if (load.skipped > 0) findings.push(`${load.skipped} launch(es) skipped: too many requests in flight (answers too slow)`);
  const unconfirmed = load.launches.filter((launch) => launch.outcome?.type === "unconfirmed").length;
  if (unconfirmed > 0) findings.push(`${unconfirmed} launch(es) never got a definite answer in ${5} tries`);
  return {
    launches: load.launches.length,
    acceptedForecasts: load.accepted().filter((job) => job.kind !== "notification").length,
    acceptedNotifications: load.accepted("notification").length,
    refused: load.launches.filter((launch) => launch.outcome?.type === "refused").length,
    unconfirmed,
    otherAnswers: other.length,
  };
}

/** While [downAt, upAt]: every answer to a request sent after the service went must be the JSON 503. */
function outageAnswers(load: Load, downAt: number, upAt: number, service: string, findings: string[]): string {
  const during = load.answers.filter((answer) => answer.startedAt >= downAt + 250 && answer.at <= upAt);
  const unavailable = during.filter((answer) => answer.unavailable).length;
  if (during.length === 0) findings.push(`no request was answered while ${service} was down`);
  else if (unavailable < during.length) {
    const others = during.filter((answer) => !answer.unavailable).map((answer) => answer.problem ?? `${answer.status}`);
    findings.push(`${others.length} of ${during.length} answers while ${service} was down were not a JSON 503: ${others.slice(0, 5).join("; ")}`);
  }
  const slowest = Math.max(0, ...during.map((answer) => answer.at - answer.startedAt));
  return `${unavailable}/${during.length} JSON 503 while down (slowest ${seconds(slowest)})`;
}

/** First accepted launch sent after `upAt`, and first forecast finished after it. */
async function recoveryAfter(load: Load, t: Tools, upAt: number): Promise<{ apiMs: number | null; workersMs: number | null }> {
  const firstAccepted = load.answers.filter((answer) => answer.status >= 200 && answer.status < 300 && answer.at >= upAt).sort((a, b) => a.at - b.at)[0];
  const jobs = await t.forecasts.getJobs(["completed"], 0, -1);
  const finished = jobs.map((job) => job?.finishedOn ?? 0).filter((at) => at >= upAt).sort((a, b) => a - b)[0];
  return { apiMs: firstAccepted ? firstAccepted.at - upAt : null, workersMs: finished ? finished - upAt : null };
}

/** Until the API accepts a launch sent after `since` (ms waited), or null at the deadline. */
async function waitForAccepting(load: Load, since: number, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (load.answers.some((answer) => answer.jobId && answer.startedAt >= since)) return Date.now() - started;
    await sleep(50);
  }
  return null;
}

/** Both worker slots beating again (their heartbeats are in Redis). */
async function waitForWorkers(t: Tools, stack: ChaosStack, count: number, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const live = await listWorkers(t.redis, stack.prefix).catch(() => []);
    const pids = new Set(stack.workers.map((child) => child?.pid));
    if (live.filter((worker) => pids.has(worker.pid)).length >= count) return Date.now() - started;
    await sleep(250);
  }
  return null;
}

const seconds = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(1)} s`);
const median = (values: number[]) => (values.length === 0 ? null : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!);

/** Starts the web app and two workers on a stack whose services are up and seeded. */
export async function startApp(stack: ChaosStack): Promise<void> {
  await Promise.all([stack.startWeb(), stack.startWorker(0), stack.startWorker(1)]);
}

const reported = new WeakSet<object>();

function unexpectedDeaths(stack: ChaosStack, findings: string[]): void {
  for (const child of stack.deadWorkers()) {
    if (reported.has(child)) continue;
    reported.add(child);
    findings.push(`worker ${child.name} (pid ${child.pid}) exited on its own (code ${child.exit?.code}, signal ${child.exit?.signal}): ${stack.tail(child, 5)}`);
  }
}

async function finish(
  stack: ChaosStack,
  scenario: string,
  faults: string,
  load: Load,
  t: Tools,
  since: number,
  settings: ChaosSettings,
  findings: string[],
  recovery: () => Promise<string>,
  fault?: Fault,
): Promise<ScenarioResult> {
  await load.stop();
  const drainMs = await drain(load, t, settings.drainTimeoutMs);
  if (drainMs === null) findings.push(`accepted jobs still unfinished ${seconds(settings.drainTimeoutMs)} after the load stopped`);
  const counts = answerCounts(load, findings);
  const accounting = await account(load, t, since, fault);
  const recovered = await recovery();
  // Every answer, for reading a finding against the logs (kept with CHAOS_KEEP_LOGS=1).
  writeFileSync(join(stack.logDir, `answers-${scenario.replaceAll(/\W+/g, "-").toLowerCase()}.json`), JSON.stringify({ since, fault, answers: load.answers }, null, 1));
  return { scenario, faults, ...counts, ...accounting, findings: [...findings, ...accounting.findings], recovery: recovered, drainMs };
}

/** SIGKILL a random worker of the two at random moments; the killed one is started again at once. */
export async function workerKills(stack: ChaosStack, fixture: Fixture, settings: ChaosSettings): Promise<ScenarioResult> {
  const t = tools(stack);
  const findings: string[] = [];
  const since = Date.now();
  const kills: { at: number; activeBefore: string[] }[] = [];
  const restartMs: number[] = [];
  const load = startLoad(stack, fixture, settings);
  try {
    await sleep(settings.loadBeforeMs);
    // One worker down at a time: the other keeps serving while the killed one starts again, and
    // the next kill comes a random pause after both are up.
    for (let kill = 0; kill < settings.kills; kill++) {
      const [minGap, maxGap] = settings.killGapMs;
      await sleep(minGap + Math.random() * (maxGap - minGap));
      unexpectedDeaths(stack, findings);
      const slot = Math.floor(Math.random() * stack.workers.length);
      const activeBefore = await t.forecasts.getRanges(["active"], 0, -1);
      const at = Date.now();
      await stack.killWorker(slot);
      kills.push({ at, activeBefore });
      await stack.startWorker(slot);
      restartMs.push(Date.now() - at);
      if ((kill + 1) % 10 === 0) stack.options.log(`  ${kill + 1} kills`);
    }
    await sleep(settings.loadAfterMs);
    unexpectedDeaths(stack, findings);
    return await finish(stack, "worker SIGKILL", `${settings.kills} × SIGKILL`, load, t, since, settings, findings, async () => {
      // A killed worker's jobs wait for its lock to expire and a stalled check; measured from the
      // kill to the last of the jobs active then to finish.
      const finishedOn = new Map<string, number>();
      // How often the jobs were orphaned by a kill (BullMQ's stalled counter): a job orphaned more
      // than WORKER_MAX_STALLED_COUNT times is failed as a suspected poison job, so this tells
      // whether a lost job is that rule or a fault of ours.
      const jobsByStalls = new Map<number, number>();
      for (const job of await t.forecasts.getJobs(["completed", "failed"], 0, -1)) {
        if (job?.id && job.finishedOn) finishedOn.set(job.id, job.finishedOn);
        if (job && job.stalledCounter > 0) jobsByStalls.set(job.stalledCounter, (jobsByStalls.get(job.stalledCounter) ?? 0) + 1);
      }
      const stallCounts = [...jobsByStalls].sort(([a], [b]) => a - b);
      const orphaned = stallCounts.length > 0 ? stallCounts.map(([stalls, jobs]) => `${jobs} job(s) ${stalls}×`).join(", ") : "none";
      const stranded = kills.map(({ at, activeBefore }) => Math.max(0, ...activeBefore.map((id) => (finishedOn.get(id) ?? at) - at)));
      return `worker back in ${seconds(median(restartMs))} (median); jobs active at a kill done ${seconds(median(stranded))} median / ${seconds(Math.max(0, ...stranded))} max after it; jobs orphaned by kills: ${orphaned} (stall limit ${stack.options.maxStalledCount})`;
    });
  } finally {
    await load.stop();
    await t.close();
  }
}

/** Redis goes down under load (SIGKILL by default) and comes back on the same AOF directory. */
export async function redisRestart(stack: ChaosStack, fixture: Fixture, settings: ChaosSettings): Promise<ScenarioResult> {
  const t = tools(stack);
  const findings: string[] = [];
  const since = Date.now();
  const load = startLoad(stack, fixture, settings);
  try {
    await sleep(settings.loadBeforeMs);
    const downAt = Date.now();
    await stack.stopRedis(settings.redisStop);
    await sleep(settings.redisDownMs);
    await stack.startRedis();
    const upAt = Date.now();
    const outage = outageAnswers(load, downAt, upAt, "Redis", findings);
    const workersBack = await waitForWorkers(t, stack, 2, 30_000);
    if (workersBack === null) findings.push("the workers' heartbeats did not come back within 30 s of Redis");
    // The load after recovery starts once the API accepts again; not accepting at all is the finding below.
    await waitForAccepting(load, upAt, 30_000);
    await sleep(settings.loadAfterMs);
    unexpectedDeaths(stack, findings);
    return await finish(stack, "Redis restart", `Redis ${settings.redisStop === "kill" ? "SIGKILL" : "SIGTERM"}, down ${seconds(settings.redisDownMs)}`, load, t, since, settings, findings, async () => {
      const { apiMs, workersMs } = await recoveryAfter(load, t, upAt);
      if (apiMs === null) findings.push("the API accepted no launch after Redis came back");
      if (workersMs === null) findings.push("no forecast finished after Redis came back");
      return `${outage}; API accepting ${seconds(apiMs)}, jobs finishing ${seconds(workersMs)}, 2 workers beating ${seconds(workersBack)} after Redis was back`;
    }, { service: "Redis", downAt, upAt });
  } finally {
    await load.stop();
    await t.close();
  }
}

/** PostgreSQL stops under load (`pg_ctl stop -m fast` by default) and starts again. */
export async function postgresRestart(stack: ChaosStack, fixture: Fixture, settings: ChaosSettings): Promise<ScenarioResult> {
  const t = tools(stack);
  const findings: string[] = [];
  const since = Date.now();
  const load = startLoad(stack, fixture, settings);
  try {
    await sleep(settings.loadBeforeMs);
    const downAt = Date.now();
    stack.stopPostgres(settings.postgresStop);
    await sleep(settings.postgresDownMs);
    stack.startPostgres();
    const upAt = Date.now();
    const outage = outageAnswers(load, downAt, upAt, "PostgreSQL", findings);
    await waitForAccepting(load, upAt, 30_000);
    await sleep(settings.loadAfterMs);
    unexpectedDeaths(stack, findings);
    return await finish(stack, "PostgreSQL restart", `pg_ctl stop -m ${settings.postgresStop}, down ${seconds(settings.postgresDownMs)}`, load, t, since, settings, findings, async () => {
      const { apiMs, workersMs } = await recoveryAfter(load, t, upAt);
      if (apiMs === null) findings.push("the API accepted no launch after PostgreSQL came back");
      if (workersMs === null) findings.push("no forecast finished after PostgreSQL came back");
      return `${outage}; API accepting ${seconds(apiMs)}, jobs finishing ${seconds(workersMs)} after PostgreSQL was back`;
    }, { service: "PostgreSQL", downAt, upAt });
  } finally {
    await load.stop();
    await t.close();
  }
}
