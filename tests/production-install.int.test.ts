// A production deployment, the way the Dockerfile makes one: a build stage (all dependencies) runs
// `npm run build`; the runtime has `NODE_ENV=production npm ci` (devDependencies omitted) plus the
// build's .next and dist. From that runtime the documented commands migrate a fresh database,
// seed it, create an API key, and start the web app and the built worker, which run a forecast to
// completion with no TypeScript loader installed.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./helpers/worker";

const root = realpathSync(fileURLToPath(new URL("..", import.meta.url)));
// Installing and building take minutes on a loaded 2-core machine; each step waits for its own end.
const STAGE_TIMEOUT = 15 * 60_000;
let port = 0;
const base = () => `http://127.0.0.1:${port}`;

const serverUrl = new URL(process.env.DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/capliquify");
const database = `prod_install_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
const withDatabase = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();

const work = mkdtempSync(join(tmpdir(), "capliquify-production-"));
const buildDir = join(work, "build");
const appDir = join(work, "app");
const children: ChildProcess[] = [];
const timings: Record<string, number> = {};

/** The environment of a production process: nothing of vitest's (NODE_ENV=test) leaks in. */
function productionEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && key !== "NODE_ENV"));
  return {
    ...inherited,
    NODE_ENV: "production",
    DATABASE_URL: withDatabase(database),
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_PREFIX: process.env.REDIS_PREFIX!,
    NEXTAUTH_SECRET: "production-install-test-secret",
    INTEGRATION_SECRET_KEY: "0123456789abcdef".repeat(4),
    NEXTAUTH_URL: base(),
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
    ...extra,
  };
}

/** An image build's environment: no secret, and no database or Redis to reach. */
function buildEnv(): NodeJS.ProcessEnv {
  const env = productionEnv({ DATABASE_URL: "postgresql://nobody@127.0.0.1:9/unreachable", REDIS_URL: "redis://127.0.0.1:9" });
  delete env.NEXTAUTH_SECRET;
  delete env.INTEGRATION_SECRET_KEY;
  delete env.NEXTAUTH_URL;
  return env;
}

interface Output {
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a non-zero exit fails with the command's last output. */
function run(label: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Output> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (error) => reject(new Error(`${label}: ${error.message} (in ${options.cwd})`)));
    child.on("exit", (code, signal) => {
      timings[label] = Date.now() - started;
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${label}: \`${command} ${args.join(" ")}\` exited ${code ?? signal}\n${(stdout + stderr).slice(-4000)}`));
    });
  });
}

/** Starts a long-running command in its own process group, so stopping it stops npm's children too. */
function start(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess & { output: () => string } {
  const child = spawn(command, args, { cwd: appDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  children.push(child);
  return Object.assign(child, { output: () => output.slice(-4000) });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** The checkout's files as git sees them (tracked and not ignored), without node_modules or builds. */
async function copySources(target: string) {
  const { stdout } = await run("list sources", "git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root });
  for (const file of stdout.split("\0").filter(Boolean)) {
    const from = join(root, file);
    if (!existsSync(from) || !statSync(from).isFile()) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(from, join(target, file));
  }
}

/** A port nothing listens on now, for the web app. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => resolve(free));
    });
    server.on("error", reject);
  });
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function api<T>(path: string, apiKey: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base()}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as T };
}

describe("a production install", () => {
  let apiKey = "";
  let worker: ReturnType<typeof start>;
  let web: ReturnType<typeof start>;

  beforeAll(async () => {
    await Promise.all([copySources(buildDir), copySources(appDir)]);
    // Both stages run to their end before a failure is reported, so nothing writes into the
    // directory while afterAll removes it.
    const stages = await Promise.allSettled([
      // Build stage: the checkout's full install stands in for the stage's `npm ci` (same lockfile);
      // hard links, since nothing in a build writes into node_modules.
      (async () => {
        await run("build: node_modules", "cp", ["-al", realpathSync(join(root, "node_modules")), join(buildDir, "node_modules")], { cwd: buildDir });
        await run("build: prisma generate", process.execPath, ["scripts/prisma.mjs", "generate"], { cwd: buildDir });
        await run("build: npm run build", "npm", ["run", "build"], { cwd: buildDir, env: buildEnv() });
      })(),
      // Runtime stage: production dependencies only; postinstall generates the Prisma client.
      run("runtime: npm ci", "npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: appDir, env: productionEnv() }),
    ]);
    for (const stage of stages) if (stage.status === "rejected") throw stage.reason;
    // What the Dockerfile copies from the build stage into the runtime image.
    cpSync(join(buildDir, ".next"), join(appDir, ".next"), { recursive: true, filter: (path) => !path.startsWith(join(buildDir, ".next", "cache")) });
    cpSync(join(buildDir, "dist"), join(appDir, "dist"), { recursive: true });
    await sql(withDatabase("postgres"), `CREATE DATABASE "${database}"`);
  }, STAGE_TIMEOUT);

  afterAll(async () => {
    for (const child of children) signalGroup(child, "SIGKILL");
    await Promise.all(children.map(exited));
    await sql(withDatabase("postgres"), `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    rmSync(work, { recursive: true, force: true });
    console.log(`production install timings (ms): ${JSON.stringify(timings)}`);
  }, 5 * 60_000);

  it("has production dependencies only, and the Prisma client generated on install", () => {
    // Packages only devDependencies need (the lockfile's `dev`); "devOptional" ones (an optional
    // peer of a runtime package, such as typescript for prisma) are installed by npm either way.
    const lock = JSON.parse(readFileSync(join(appDir, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([, entry]) => entry.dev).map(([path]) => path);
    expect(devOnly).toEqual(expect.arrayContaining(["node_modules/vitest", "node_modules/tailwindcss", "node_modules/autocannon"]));
    expect(devOnly.filter((path) => existsSync(join(appDir, path)))).toEqual([]);
    for (const needed of ["prisma", "@prisma/schema-engine-wasm", "next", "bullmq"]) {
      expect(existsSync(join(appDir, "node_modules", needed, "package.json")), `${needed} is needed at runtime`).toBe(true);
    }
    expect(existsSync(join(appDir, "lib/generated/prisma/client.ts"))).toBe(true);
    expect(existsSync(join(appDir, "dist/worker/main.js"))).toBe(true);
    const { scripts } = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(scripts.worker).toBe("node dist/worker/main.js");
    expect(scripts.start).toBe("next start");
  });

  it("migrates a fresh database, seeds it and creates an API key", { timeout: STAGE_TIMEOUT }, async () => {
    await run("db:migrate", "npm", ["run", "db:migrate"], { cwd: appDir, env: productionEnv() });
    const applied = await sql<{ count: string }>(
      withDatabase(database),
      `SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const migrations = readdirSync(join(appDir, "prisma/migrations"), { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(migrations.length).toBeGreaterThan(0);
    expect(Number(applied[0].count)).toBe(migrations.length);

    await run("db:seed", "npm", ["run", "db:seed"], { cwd: appDir, env: productionEnv({ SEED_PRODUCTS: "2" }) });
    const created = await run("api-key:create", "npm", ["run", "api-key:create", "--", "admin@capliquify.test", "production-test"], {
      cwd: appDir,
      env: productionEnv(),
    });
    apiKey = /shown only once:\s+(\S+)/.exec(created.stdout)?.[1] ?? "";
    expect(apiKey, created.stdout).not.toBe("");
  });

  it("serves the web app and runs a forecast on the built worker, with no TypeScript loader installed", { timeout: STAGE_TIMEOUT }, async () => {
    expect(apiKey, "the previous test created an API key").not.toBe("");
    // The long-running processes are plain JavaScript: take tsx away to prove neither needs it.
    rmSync(join(appDir, "node_modules/tsx"), { recursive: true, force: true });
    rmSync(join(appDir, "node_modules/.bin/tsx"), { force: true });

    port = await freePort();
    const started = Date.now();
    // As the image runs them (Dockerfile CMDs): the commands of `npm run worker` and `npm start`
    // without npm and its shell in between, which would not pass SIGTERM on to the process.
    worker = start(process.execPath, ["dist/worker/main.js"], productionEnv({ LOG_LEVEL: "info" }));
    web = start(join(appDir, "node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], productionEnv());
    const health = await waitFor(async () => {
      for (const child of [worker, web]) {
        if (child.exitCode !== null) throw new Error(`a process exited (${child.exitCode}):\n${child.output()}`);
      }
      const response = await fetch(`${base()}/api/v1/health`).catch(() => null);
      const body = response?.ok ? ((await response.json()) as { status: string; workers: { processes: number } }) : null;
      return body?.status === "ok" ? body : null;
    }, 180_000, 500);
    timings["web + worker healthy"] = Date.now() - started;
    expect(health.workers.processes).toBe(1);

    const products = await api<{ products: { id: string }[] }>("/api/v1/products", apiKey);
    expect(products.status).toBe(200);
    const productId = products.body.products[0]!.id;
    const enqueued = await api<{ jobId: string }>("/api/v1/queues/forecast/jobs", apiKey, {
      method: "POST",
      body: JSON.stringify({ name: "forecast", data: { productId, horizon: 14, models: ["all"] } }),
    });
    expect(enqueued.status, JSON.stringify(enqueued.body)).toBe(201);

    const forecastStarted = Date.now();
    const job = await waitFor(async () => {
      const status = await api<{ state: string; failedReason: string | null; result: { forecastId: string; predictions: number } | null }>(
        `/api/v1/queues/forecast/jobs/${enqueued.body.jobId}`,
        apiKey,
      );
      if (status.body.state === "failed") throw new Error(`the forecast failed: ${status.body.failedReason}\n${worker.output()}`);
      return status.body.state === "completed" ? status.body : null;
    }, 120_000, 250);
    timings["forecast job"] = Date.now() - forecastStarted;
    expect(job.result?.predictions).toBe(14);
    const forecast = await api<{ id: string }>(`/api/v1/forecasts/${job.result!.forecastId}`, apiKey);
    expect(forecast.status).toBe(200);
  });

  it("stops the built worker gracefully on SIGTERM", { timeout: 60_000 }, async () => {
    expect(worker, "the previous test started the worker").toBeDefined();
    signalGroup(worker, "SIGTERM");
    expect(await exited(worker), worker.output()).toBe(0);
    expect(worker.output()).toContain("shutting down");
  });
});
