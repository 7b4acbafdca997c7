import pg from "pg";
import { env } from "./env";
import { createRedis } from "./redis";

/** A service the app needs is not reachable; the message says which URL and what to do. */
export class ServiceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServiceUnavailableError";
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

export async function checkRedis(url = env().REDIS_URL): Promise<string | null> {
  const client = createRedis("producer", url, { retryStrategy: () => null, lazyConnect: true });
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return `Redis is not reachable at ${redact(url)} (${(error as Error).message}).\n  Start Redis (e.g. \`redis-server --daemonize yes\` or \`docker compose up -d redis\`) or set REDIS_URL.`;
  } finally {
    client.disconnect();
  }
}

export async function checkPostgres(url = env().DATABASE_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${redact(url)} (${(error as Error).message}).\n  Start PostgreSQL (or \`docker compose up -d postgres\`) and create the database, or set DATABASE_URL.`;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function assertServicesReachable(): Promise<void> {
  const problems = (await Promise.all([checkRedis(), checkPostgres()])).filter((problem): problem is string => problem !== null);
  if (problems.length > 0) throw new ServiceUnavailableError(problems.join("\n"));
}
