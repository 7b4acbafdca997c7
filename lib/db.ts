import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client";
import { env } from "./env";

export type Db = PrismaClient;

/**
 * Prisma is the system of record and serves almost every query. The few statements on the job
 * hot path (ledger writes, a forecast's history and its saved rows) go straight to the pg pool
 * underneath it: measured by `npm run bench`, Prisma costs 5–7× the CPU of the same SQL through pg,
 * and those statements run for every job.
 */
// On globalThis like the client itself: Next bundles this module once for route handlers and once
// for server components, and both copies must find the pool of the one shared client.
const globalPools = globalThis as unknown as { __capliquifyPools?: WeakMap<PrismaClient, pg.Pool> };
const pools = (globalPools.__capliquifyPools ??= new WeakMap<PrismaClient, pg.Pool>());

/** @param options - Prisma client options besides the adapter (e.g. query logging in benchmarks). */
export function createDb(url = env().DATABASE_URL, options: Pick<Prisma.PrismaClientOptions, "log"> = {}): PrismaClient {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 3_000 });
  pool.on("error", () => {});
  // A connection PostgreSQL drops while it is checked out (a server stopped between a
  // transaction's statements) emits "error" on its client with no listener of the pool's: an
  // uncaught exception that killed a worker in a chaos run. The statement in flight fails anyway.
  pool.on("connect", (client) => client.on("error", () => {}));
  const client = new PrismaClient({ ...options, adapter: new PrismaPg(pool) });
  pools.set(client, pool);
  return client;
}

/** The pg pool under a Prisma client made by createDb, for the hot-path SQL. */
export function sqlPool(db: PrismaClient): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("sqlPool: this Prisma client was not made by createDb()");
  return pool;
}

const globalDb = globalThis as unknown as { __capliquifyDb?: PrismaClient };

/** Lazy process-wide Prisma client, kept on globalThis so Next dev reloads do not leak pools. */
export function db(): PrismaClient {
  globalDb.__capliquifyDb ??= createDb();
  return globalDb.__capliquifyDb;
}

/** Disconnects a client made by createDb and ends its pool (Prisma does not end a pool it was given). */
export async function disconnectDb(client: PrismaClient): Promise<void> {
  await client.$disconnect();
  await pools.get(client)?.end().catch(() => {});
}

export async function closeDb(): Promise<void> {
  const client = globalDb.__capliquifyDb;
  globalDb.__capliquifyDb = undefined;
  if (client) await disconnectDb(client);
}

/** Runs `work` in one transaction on a pooled connection. */
export async function inTransaction<T>(db: PrismaClient, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await sqlPool(db).connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Runs one statement on a checked-out client and, when `signal` aborts first, cancels it in
 * PostgreSQL (pg_cancel_backend on the client's backend, from another pooled connection) and
 * rejects with the signal's reason. Without this a job's timeout or cancel only stops Node from
 * waiting: the statement would go on using a backend and its work_mem until it finished by itself.
 */
export async function queryUntilAborted<T extends pg.QueryResultRow>(
  pool: pg.Pool,
  client: pg.PoolClient,
  sql: string,
  params: unknown[],
  signal: AbortSignal | undefined,
): Promise<T[]> {
  signal?.throwIfAborted();
  if (!signal) return (await client.query<T>(sql, params)).rows;
  const backendPid = (client as unknown as { processID: number | null }).processID;
  let cancelled: Promise<unknown> | undefined;
  const cancel = () => {
    cancelled = pool.query("SELECT pg_cancel_backend($1)", [backendPid]).catch(() => {});
  };
  signal.addEventListener("abort", cancel, { once: true });
  try {
    return (await client.query<T>(sql, params)).rows;
  } catch (error) {
    // PostgreSQL answers a cancelled statement with 57014; the job wants to know why it stopped.
    if (signal.aborted) throw signal.reason;
    throw error;
  } finally {
    signal.removeEventListener("abort", cancel);
    await cancelled;
  }
}

/**
 * SQLSTATEs of a server that is not there for now: connection exceptions (class 08), and a server
 * shutting down, restarting or starting up (57P01–57P03), as a `pg_ctl stop`/`start` produces.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3])$/;

/** Kinds of a Prisma driver-adapter error that say the server is not there, not that a statement is wrong. */
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout"]);
/** Prisma's own codes for the same: server unreachable (P1001), timed out (P1002), connection closed (P1017). */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1017"]);
/** Node socket errors: what pg gives for a refused or cut connection, but also any other client's. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"]);

/**
 * True for errors shaped like PostgreSQL being unreachable: Prisma's codes and adapter kinds, the
 * server's SQLSTATEs and messages, pg's own connection messages, and socket errors. A socket error
 * carries nothing that says which server refused it (pg's and an HTTP or SMTP client's
 * `connect ECONNREFUSED` are the same Node error), so where the answer decides a job's fate ask
 * {@link isDatabaseOutage}, which confirms with PostgreSQL itself.
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string } } } };
  const adapterCause = meta?.driverAdapterError?.cause;
  if (adapterCause?.kind && UNAVAILABLE_ADAPTER_KINDS.has(adapterCause.kind)) return true;
  if (adapterCause?.kind === "postgres" && typeof adapterCause.code === "string" && UNAVAILABLE_SQLSTATE.test(adapterCause.code)) return true;
  if (typeof code === "string" && (UNAVAILABLE_PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  return /Can't reach database|Connection terminated|timeout exceeded when trying to connect|the database system is (shutting down|starting up|in recovery mode)|terminating connection due to administrator command/i.test(
    error.message,
  );
}

/** True when our own `select 1` comes back within `timeoutMs`. */
export async function pingDatabase(db: PrismaClient, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const ping = sqlPool(db)
    .query("SELECT 1")
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * True when `error` is PostgreSQL being away: shaped like it, and our own ping confirms it. A job
 * whose external call was refused (SMTP down, a provider unreachable) meets a live database here,
 * so its failure stands instead of waiting for an outage that is not happening.
 */
export async function isDatabaseOutage(db: PrismaClient, error: unknown, timeoutMs?: number): Promise<boolean> {
  return isDatabaseUnavailableError(error) && !(await pingDatabase(db, timeoutMs));
}
