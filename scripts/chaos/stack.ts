import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { buildNext, nextBin } from "../../bench/next-build";
import { assertPortFree, sleep, startChild, stopChild, waitForHttp, type Child } from "../../bench/processes";
import { root } from "../services.mjs";
import { QUEUE_KEYS } from "../../lib/jobs/queue-keys";

/**
 * A private stack for fault runs: its own redis-server (AOF on) and PostgreSQL cluster (initdb)
 * in a temporary directory, the web app and worker processes pointed at them. Nothing here
 * touches the machine's own Redis or PostgreSQL; every process is started, signalled and stopped
 * by the id it was started with, and `close()` (also run on exit and Ctrl-C) removes them all
 * with the directory.
 */
export interface StackOptions {
  redisPort: number;
  postgresPort: number;
  webPort: number;
  /** `next`: a production build under `next start`; `routes`: the route handlers under node:http (scripts/chaos/route-host.ts). */
  web: "next" | "routes";
  /** Reuse `.next-chaos` when it holds a build. */
  skipBuild: boolean;
  /** Forecast jobs in parallel per worker process. */
  concurrency: number;
  /** BullMQ lock duration and stalled-check interval of the workers (ms): how long a killed worker's jobs wait. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** WORKER_MAX_STALLED_COUNT of the workers: orphanings a job survives before it is failed as a suspected poison job. */
  maxStalledCount: number;
  /**
   * Redis's `appendfsync`: `always` fsyncs each write before the reply, so a job the API accepted
   * survives even a SIGKILL of Redis; `everysec` (Redis's default) may lose the last second.
   */
  appendfsync: "always" | "everysec";
  /** Prints progress (stderr). */
  log: (message: string) => void;
}

const DATABASE = "capliquify_chaos";
const NEXT_DIST_DIR = ".next-chaos";
const NEXTAUTH_SECRET = "chaos-secret-at-least-16-characters";

/** Binaries of the newest Debian PostgreSQL installed. */
function postgresBin(name: string): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).filter((entry) => /^\d+$/.test(entry)).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL binaries under ${base} (Debian: apt-get install postgresql)`);
  return join(base, versions[0]!, "bin", name);
}

/** initdb and pg_ctl refuse to run as root: run them as the postgres system user then. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

function runChecked(label: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd: root, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

export class ChaosStack {
  readonly dir: string;
  readonly logDir: string;
  readonly prefix = "{chaos}";
  readonly redisUrl: string;
  readonly databaseUrl: string;
  readonly baseUrl: string;
  private redisChild: Child | undefined;
  private web: Child | undefined;
  /** Worker processes by slot; a killed slot's replacement takes its place. */
  readonly workers: (Child | undefined)[] = [];
  private workerStarts = 0;
  private closed = false;

  constructor(readonly options: StackOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "capliquify-chaos-"));
    this.logDir = join(this.dir, "logs");
    mkdirSync(this.logDir);
    this.redisUrl = `redis://127.0.0.1:${options.redisPort}`;
    this.databaseUrl = `postgresql://chaos@127.0.0.1:${options.postgresPort}/${DATABASE}`;
    this.baseUrl = `http://127.0.0.1:${options.webPort}`;
    stacks.add(this);
  }

  // ── Redis ─────────────────────────────────────────────────────────────────────────────────────

  async startRedis(): Promise<void> {
    mkdirSync(join(this.dir, "redis"), { recursive: true });
    await assertPortFree(this.options.redisPort);
    this.redisChild = startChild(
      "redis",
      "redis-server",
      ["--port", String(this.options.redisPort), "--bind", "127.0.0.1", "--dir", join(this.dir, "redis"), "--appendonly", "yes", "--appendfsync", this.options.appendfsync, "--save", ""],
      process.env,
      { logDir: this.logDir },
    );
    await this.waitForRedis(30_000);
  }

  /** `kill`: SIGKILL, a crash; `term`: a clean shutdown (Redis writes its AOF out first). */
  async stopRedis(how: "kill" | "term"): Promise<void> {
    const child = this.redisChild;
    if (!child) return;
    this.redisChild = undefined;
    if (how === "kill") {
      process.kill(child.pid, "SIGKILL");
      await child.exited;
    } else {
      await stopChild(child, 10_000);
    }
  }

  private async waitForRedis(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = this.redisClient();
      try {
        await client.connect();
        // Ready means the AOF has been loaded: before that Redis answers LOADING.
        if ((await client.ping()) === "PONG") return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`private Redis not ready on ${this.redisUrl}: ${(error as Error).message}`);
      } finally {
        client.disconnect();
      }
      await sleep(100);
    }
  }

  /** A short-lived client of the private Redis that fails fast. */
  redisClient(): Redis {
    const client = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, retryStrategy: () => null });
    client.on("error", () => {});
    return client;
  }

  // ── PostgreSQL ────────────────────────────────────────────────────────────────────────────────

  private get pgData(): string {
    return join(this.dir, "pg");
  }

  /** A fresh cluster (trust auth, superuser `chaos`), started, with the app's database migrated. */
  async createPostgres(): Promise<void> {
    await assertPortFree(this.options.postgresPort);
    if (process.getuid?.() === 0) chownSync(this.dir, Number(runChecked("id", "id", ["-u", "postgres"]).trim()), 0);
    runChecked("initdb", ...asPostgresUser(postgresBin("initdb"), ["-D", this.pgData, "-U", "chaos", "--auth=trust", "-E", "UTF8", "--no-sync"]));
    this.startPostgres();
    const admin = new pg.Client({ connectionString: `postgresql://chaos@127.0.0.1:${this.options.postgresPort}/postgres` });
    await admin.connect();
    await admin.query(`create database "${DATABASE}"`);
    await admin.end();
    runChecked("prisma migrate deploy", process.execPath, [join(root, "scripts/prisma.mjs"), "migrate", "deploy"], { ...process.env, DATABASE_URL: this.databaseUrl });
  }

  startPostgres(): void {
    runChecked(
      "pg_ctl start",
      ...asPostgresUser(postgresBin("pg_ctl"), [
        "-D",
        this.pgData,
        "-l",
        join(this.dir, "postgres.log"),
        "-o",
        `-p ${this.options.postgresPort} -k ${this.dir} -c listen_addresses=127.0.0.1`,
        "-w",
        "-t",
        "60",
        "start",
      ]),
    );
  }

  /** `fast`: clients are disconnected and the server shuts down cleanly; `immediate`: a crash (recovery at the next start). */
  stopPostgres(how: "fast" | "immediate"): void {
    runChecked("pg_ctl stop", ...asPostgresUser(postgresBin("pg_ctl"), ["-D", this.pgData, "-m", how, "-w", "-t", "60", "stop"]));
  }

  // ── web and workers ───────────────────────────────────────────────────────────────────────────

  private appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      REDIS_PREFIX: this.prefix,
      NEXTAUTH_SECRET,
      INTEGRATION_SECRET_KEY: "c4a0".repeat(16),
      NEXTAUTH_URL: this.baseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: NEXT_DIST_DIR,
      LOG_LEVEL: "info",
      ...extra,
    };
  }

  /** Builds the web app when it runs under `next start`; resolves with the build time in ms (null: none). */
  buildWeb(): Promise<number | null> {
    if (this.options.web === "routes") return Promise.resolve(null);
    return buildNext({ distDir: NEXT_DIST_DIR, env: this.appEnv(), skipBuild: this.options.skipBuild, logDir: this.logDir });
  }

  async startWeb(): Promise<void> {
    await assertPortFree(this.options.webPort);
    const port = String(this.options.webPort);
    this.web =
      this.options.web === "next"
        ? startChild("web", process.execPath, [nextBin, "start", "-p", port, "-H", "127.0.0.1"], this.appEnv({ LOG_LEVEL: "warn" }), { logDir: this.logDir })
        : startChild("web", process.execPath, ["--import", "tsx", "scripts/chaos/route-host.ts"], this.appEnv({ PORT: port, LOG_LEVEL: "warn" }), { logDir: this.logDir });
    await waitForHttp(`${this.baseUrl}/api/v1/health`, this.web, 120_000).catch(async (error) => {
      // Health is 503 until a worker beats; the web is up once it answers at all.
      const response = await fetch(`${this.baseUrl}/api/v1/health`).catch(() => null);
      if (!response) throw error;
    });
  }

  async stopWeb(): Promise<void> {
    if (this.web) await stopChild(this.web, 10_000);
    this.web = undefined;
  }

  /** Starts the worker of `slot` (`npm run worker`'s command, without npm between the signal and the process); resolves once it serves its queues. */
  async startWorker(slot: number): Promise<Child> {
    const name = `worker-${slot}-${++this.workerStarts}`;
    const child = startChild(
      name,
      process.execPath,
      ["--import", "tsx", "worker/main.ts"],
      this.appEnv({
        QUEUE_CONCURRENCY_FORECAST: String(this.options.concurrency),
        // The load's notification jobs are the kind no worker takes: accepted jobs held by their
        // queue through every fault, which the ledger must keep as waiting.
        WORKER_QUEUES: QUEUE_KEYS.filter((key) => key !== "notification").join(","),
        WORKER_LOCK_DURATION: String(this.options.lockDurationMs),
        WORKER_STALLED_INTERVAL: String(this.options.stalledIntervalMs),
        WORKER_MAX_STALLED_COUNT: String(this.options.maxStalledCount),
        WORKER_HEALTH_CHECK_INTERVAL: "2000",
        WORKER_SHUTDOWN_TIMEOUT: "5000",
      }),
      { logDir: this.logDir },
    );
    this.workers[slot] = child;
    await child.waitForLine(/"msg":"worker started"/, 120_000);
    return child;
  }

  /** SIGKILL to the worker of `slot` (its process group: task threads live in the same process anyway). */
  async killWorker(slot: number): Promise<number> {
    const child = this.workers[slot];
    if (!child) throw new Error(`no worker in slot ${slot}`);
    this.workers[slot] = undefined;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    await child.exited;
    return child.pid;
  }

  /** Workers that died without being killed by us (a crash is a finding, not noise). */
  deadWorkers(): Child[] {
    return this.workers.filter((child): child is Child => Boolean(child?.exit));
  }

  async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((child) => child && stopChild(child, 10_000)));
    this.workers.length = 0;
  }

  /** Last lines of a child's log, for a failure message. */
  tail(child: Child, lines = 20): string {
    try {
      return readFileSync(child.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** Stops everything this stack started and removes its directory (logs kept when `keepLogs`). */
  async close({ keepLogs = false }: { keepLogs?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopWeb().catch(() => {});
    await this.stopWorkers().catch(() => {});
    await this.stopRedis("term").catch(() => {});
    this.killPostgresNow();
    if (!keepLogs) rmSync(this.dir, { recursive: true, force: true });
    stacks.delete(this);
  }

  /** Synchronous, for exit handlers: the postmaster by the pid in its own pid file. */
  killPostgresNow(): void {
    try {
      const pid = Number(readFileSync(join(this.pgData, "postmaster.pid"), "utf8").split("\n")[0]);
      if (pid > 0) process.kill(pid, "SIGQUIT");
    } catch {
      // Not running.
    }
  }

  /** Synchronous last resort (process exit): every child by its group id, the postmaster, the directory. */
  killNow(): void {
    for (const child of [this.web, this.redisChild, ...this.workers]) {
      if (!child || child.exit) continue;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    this.killPostgresNow();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const stacks = new Set<ChaosStack>();

/** On exit, Ctrl-C or SIGTERM: nothing private outlives the run. */
export function cleanUpOnExit(): void {
  process.once("exit", () => {
    for (const stack of stacks) stack.killNow();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the private stack`);
      process.exit(130);
    });
  }
}
