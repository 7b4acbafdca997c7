// Shared by `npm run up`, `npm test` and the test set-ups: reach Redis and PostgreSQL with a clear
// message when they are not there, create databases, apply migrations. Plain JS so it runs before
// anything is compiled.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Cluster, Redis } from "ioredis";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_DATABASE_URL = "postgresql://root@127.0.0.1:5432/capliquify";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

export class ServiceError extends Error {}

/**
 * Reaches Redis: `target` is a URL (one node) or lib/env.ts's parsed REDIS_CLUSTER_NODES (a
 * cluster, which must also say its slots are all served).
 */
export async function checkRedis(target) {
  if (typeof target !== "string") return checkRedisCluster(target);
  const client = new Redis(target, { lazyConnect: true, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new ServiceError(
      `Redis is not reachable at ${redact(target)} (${error.message}).\n` +
        `  Start Redis (e.g. \`redis-server --daemonize yes\`, or \`docker compose up -d redis\`) or set REDIS_URL.`,
    );
  } finally {
    client.disconnect();
  }
}

async function checkRedisCluster({ nodes, username, password, tls }) {
  const seeds = nodes.map((node) => `${node.host}:${node.port}`).join(",");
  const client = new Cluster(nodes, {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: () => null,
    redisOptions: { connectTimeout: 2000, maxRetriesPerRequest: 0, username, password, tls: tls ? {} : undefined },
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const state = /cluster_state:(\w+)/.exec(await client.cluster("INFO"))?.[1];
    if (state !== "ok") throw new Error(`cluster_state is ${state ?? "unknown"}`);
  } catch (error) {
    const single = await singleServerAmong(nodes, { username, password, tls });
    throw new ServiceError(
      single
        ? `REDIS_CLUSTER_NODES names ${single}, which is a single Redis server, not a cluster node (cluster_enabled:0).\n  Set REDIS_URL for a single server, or list the cluster's nodes.`
        : `Redis Cluster is not usable at ${seeds} (${error.message}).\n  Check the nodes, or fix REDIS_CLUSTER_NODES.`,
    );
  } finally {
    client.disconnect();
  }
}

/** A seed that answers as a plain server, the commonest mistake behind "None of startup nodes is available". */
async function singleServerAmong(nodes, { username, password, tls }) {
  for (const node of nodes) {
    const probe = new Redis({ ...node, username, password, tls: tls ? {} : undefined, lazyConnect: true, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if ((await probe.info("cluster")).includes("cluster_enabled:0")) return `${node.host}:${node.port}`;
    } catch {
      // not reachable either: the generic message says so
    } finally {
      probe.disconnect();
    }
  }
  return null;
}

/** Connects to the server's maintenance database, so the app database itself may be missing. */
async function withServer(url, fn) {
  const target = new URL(url);
  const client = new pg.Client({
    host: target.hostname,
    port: Number(target.port || 5432),
    user: decodeURIComponent(target.username || "postgres"),
    password: target.password ? decodeURIComponent(target.password) : undefined,
    database: "postgres",
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
  } catch (error) {
    throw new ServiceError(
      `PostgreSQL is not reachable at ${redact(url)} (${error.message || error.code}).\n` +
        `  Start PostgreSQL (or \`docker compose up -d postgres\`) or set DATABASE_URL.`,
    );
  }
  try {
    return await fn(client, decodeURIComponent(target.pathname.slice(1)));
  } finally {
    await client.end().catch(() => {});
  }
}

/** Checks the server and the database itself, so a missing database is named as such. */
export async function checkPostgres(url) {
  await withServer(url, async (client, name) => {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (rowCount === 0) {
      throw new ServiceError(`PostgreSQL at ${redact(url)} has no database "${name}". Run \`npm run up\` (it creates and migrates it) or set DATABASE_URL.`);
    }
  });
}

/** `redis`: a URL or a parsed REDIS_CLUSTER_NODES (see checkRedis). */
export async function checkServices({ redis, databaseUrl }) {
  const problems = [];
  for (const check of [() => checkRedis(redis), () => checkPostgres(databaseUrl)]) {
    await check().catch((error) => {
      if (!(error instanceof ServiceError)) throw error;
      problems.push(error.message);
    });
  }
  if (problems.length > 0) throw new ServiceError(problems.join("\n"));
}

/** Creates the database named in `url` when missing; with `fresh`, drops it first. */
export async function ensureDatabase(url, { fresh = false } = {}) {
  await withServer(url, async (client, name) => {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new ServiceError(`Unsupported database name "${name}" in DATABASE_URL`);
    if (fresh) await client.query(`drop database if exists "${name}" with (force)`);
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (rowCount === 0) await client.query(`create database "${name}"`);
  });
}

export function run(command, args, { env = process.env, label } = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) throw new ServiceError(`${label ?? [command, ...args].join(" ")} failed (exit ${result.status ?? result.signal})`);
}

export function migrate(databaseUrl) {
  run(process.execPath, [join(root, "scripts/prisma.mjs"), "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    label: "prisma migrate deploy",
  });
}

export function generateClient() {
  run(process.execPath, [join(root, "scripts/prisma.mjs"), "generate"], { label: "prisma generate" });
}

/** Runs `main`, printing a ServiceError as a short message instead of a stack trace. */
export function runMain(main) {
  main().catch((error) => {
    if (error instanceof ServiceError) {
      console.error(`\n✖ ${error.message}\n`);
    } else {
      console.error(error);
    }
    process.exit(1);
  });
}
