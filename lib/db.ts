import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

export type Db = PrismaClient;

export function createDb(url = env().DATABASE_URL): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, connectionTimeoutMillis: 3_000 }) });
}

const globalDb = globalThis as unknown as { __capliquifyDb?: PrismaClient };

/** Lazy process-wide Prisma client, kept on globalThis so Next dev reloads do not leak pools. */
export function db(): PrismaClient {
  globalDb.__capliquifyDb ??= createDb();
  return globalDb.__capliquifyDb;
}

export async function closeDb(): Promise<void> {
  const client = globalDb.__capliquifyDb;
  globalDb.__capliquifyDb = undefined;
  await client?.$disconnect();
}

/** True for errors that mean PostgreSQL cannot be reached. */
export function isDatabaseUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return (
    code === "ECONNREFUSED" ||
    code === "P1001" ||
    /ECONNREFUSED|Can't reach database|connection terminated|Connection terminated|timeout exceeded when trying to connect|DatabaseNotReachable/i.test(
      error.message,
    )
  );
}
