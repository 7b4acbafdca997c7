// `npm run chaos` — faults survived on purpose. Starts a private stack (redis-server with AOF,
// a PostgreSQL cluster from initdb, the web app, two workers), runs a steady mixed load against
// it, and: SIGKILLs a worker at random moments (CHAOS_KILLS, 100), restarts Redis, stops and
// starts PostgreSQL. Prints one table row per scenario (stdout; progress on stderr) and every
// finding; exits 1 when any job was lost or duplicated or any answer was wrong. Everything it
// starts is stopped and its temporary directory removed at the end, on failure and on Ctrl-C.
//
// Settings: each as an env variable or a flag (`CHAOS_KILLS=3` or `--kills=3`):
//   SCENARIOS (kill,redis,postgres)  KILLS (100)  KILL_GAP_MS (500-2500: random pause before each kill)
//   RATE (6 launches/s)  NOTIFICATION_SHARE (0.2)  REDIS_DOWN_MS (5000)  POSTGRES_DOWN_MS (5000)
//   REDIS_STOP (kill | term)  POSTGRES_STOP (fast | immediate)  LOAD_BEFORE_MS (3000)  LOAD_AFTER_MS (5000)
//   DRAIN_TIMEOUT_MS (180000)  LOCK_MS (5000) and STALLED_MS (5000): the workers' BullMQ lock and stalled check
//   MAX_STALLED (WORKER_MAX_STALLED_COUNT's default): orphanings a job survives before it is failed
//   CONCURRENCY (3 forecasts per worker)  APPENDFSYNC (always | everysec)
//   WEB (next: build into .next-chaos and `next start`; routes: the route handlers under node:http)
//   SKIP_BUILD (1: reuse .next-chaos)  REDIS_PORT (56379)  POSTGRES_PORT (55432)  WEB_PORT (3322)  KEEP_LOGS (1: keep the temp dir)
import { table } from "../../bench/table";
import { env } from "../../lib/env";
import { postgresRestart, redisRestart, seed, startApp, workerKills, type ChaosSettings, type ScenarioResult } from "./scenarios";
import { ChaosStack, cleanUpOnExit } from "./stack";

function setting(name: string, fallback: string): string {
  const flag = process.argv.find((arg) => arg.startsWith(`--${name.toLowerCase().replaceAll("_", "-")}=`));
  return flag?.slice(flag.indexOf("=") + 1) ?? process.env[`CHAOS_${name}`] ?? fallback;
}

function number(name: string, fallback: number, min = 0): number {
  const raw = setting(name, String(fallback));
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`CHAOS_${name} / --${name.toLowerCase().replaceAll("_", "-")}: expected a number ≥ ${min}, got "${raw}"`);
  return value;
}

function oneOf<T extends string>(name: string, values: readonly T[]): T {
  const raw = setting(name, values[0]!);
  if (!values.includes(raw as T)) throw new Error(`CHAOS_${name}: expected one of ${values.join(", ")}, got "${raw}"`);
  return raw as T;
}

function range(name: string, fallback: string): [number, number] {
  const raw = setting(name, fallback);
  const match = /^(\d+)-(\d+)$/.exec(raw);
  if (!match || Number(match[1]) > Number(match[2])) throw new Error(`CHAOS_${name}: expected <min>-<max> ms, got "${raw}"`);
  return [Number(match[1]), Number(match[2])];
}

const SCENARIOS = { kill: workerKills, redis: redisRestart, postgres: postgresRestart } as const;

function scenarios(): (keyof typeof SCENARIOS)[] {
  const names = setting("SCENARIOS", "kill,redis,postgres").split(",").map((name) => name.trim());
  for (const name of names) if (!(name in SCENARIOS)) throw new Error(`CHAOS_SCENARIOS: "${name}" is not one of ${Object.keys(SCENARIOS).join(", ")}`);
  return names as (keyof typeof SCENARIOS)[];
}

export function printResults(results: readonly ScenarioResult[]): void {
  const seconds = (ms: number | null) => (ms === null ? "timed out" : `${(ms / 1000).toFixed(1)} s`);
  console.log(
    table(
      ["scenario", "faults", "launches", "accepted (forecasts + notifications)", "503", "other answers", "completed", "held", "duplicated", "lost", "ledger ≠ Redis", "drain"],
      results.map((result) => [
        result.scenario,
        result.faults,
        result.launches,
        `${result.acceptedForecasts} + ${result.acceptedNotifications}`,
        result.refused,
        result.otherAnswers,
        result.completed,
        result.held,
        result.duplicated,
        result.lost,
        result.ledgerMismatches,
        seconds(result.drainMs),
      ]),
      ["l", "l"],
    ),
  );
  console.log();
  for (const result of results) {
    console.log(`- ${result.scenario} — recovery: ${result.recovery}`);
    for (const finding of result.findings) console.log(`  - ✗ ${finding}`);
  }
}

async function main(): Promise<void> {
  const names = scenarios();
  const settings: ChaosSettings = {
    rate: number("RATE", 6, 0.1),
    notificationShare: number("NOTIFICATION_SHARE", 0.2),
    kills: number("KILLS", 100, 1),
    killGapMs: range("KILL_GAP_MS", "500-2500"),
    redisDownMs: number("REDIS_DOWN_MS", 5_000),
    postgresDownMs: number("POSTGRES_DOWN_MS", 5_000),
    redisStop: oneOf("REDIS_STOP", ["kill", "term"] as const),
    postgresStop: oneOf("POSTGRES_STOP", ["fast", "immediate"] as const),
    loadBeforeMs: number("LOAD_BEFORE_MS", 3_000),
    loadAfterMs: number("LOAD_AFTER_MS", 5_000),
    drainTimeoutMs: number("DRAIN_TIMEOUT_MS", 180_000),
  };
  const stack = new ChaosStack({
    redisPort: number("REDIS_PORT", 56379, 1),
    postgresPort: number("POSTGRES_PORT", 55432, 1),
    webPort: number("WEB_PORT", 3322, 1),
    web: oneOf("WEB", ["next", "routes"] as const),
    skipBuild: setting("SKIP_BUILD", "0") === "1",
    concurrency: number("CONCURRENCY", 3, 1),
    lockDurationMs: number("LOCK_MS", 5_000, 1_000),
    stalledIntervalMs: number("STALLED_MS", 5_000, 1_000),
    maxStalledCount: number("MAX_STALLED", env().WORKER_MAX_STALLED_COUNT, 0),
    appendfsync: oneOf("APPENDFSYNC", ["always", "everysec"] as const),
    log: (message) => console.error(`▸ ${message}`),
  });
  const keepLogs = setting("KEEP_LOGS", "0") === "1";
  const step = stack.options.log;
  const results: ScenarioResult[] = [];
  try {
    step(`private stack in ${stack.dir}: Redis :${stack.options.redisPort} (AOF, appendfsync ${stack.options.appendfsync}), PostgreSQL :${stack.options.postgresPort}, web :${stack.options.webPort} (${stack.options.web})`);
    await stack.startRedis();
    await stack.createPostgres();
    const fixture = await seed(stack);
    const built = await stack.buildWeb();
    if (built !== null) step(`built the web app in ${(built / 1000).toFixed(0)} s`);
    await startApp(stack);
    for (const name of names) {
      step(`scenario: ${name}`);
      const result = await SCENARIOS[name](stack, fixture, settings);
      results.push(result);
      step(`${name}: ${result.completed} completed, ${result.lost} lost, ${result.duplicated} duplicated, ${result.findings.length} finding(s)`);
    }
  } finally {
    if (results.length > 0) printResults(results);
    if (keepLogs) console.error(`logs kept in ${stack.logDir}`);
    await stack.close({ keepLogs });
  }
  if (results.some((result) => result.findings.length > 0)) process.exitCode = 1;
}

cleanUpOnExit();
main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  // Pools and sockets of the finished run must not keep the process up.
  .finally(() => process.exit());
