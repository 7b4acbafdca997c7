import { createDb, disconnectDb, sqlPool, type Db } from "@/lib/db";

/** The error pg gives when PostgreSQL is not there: what a ledger write meets during an outage. */
export function connectionRefused(): Error {
  return Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
}

export interface FlakyDb {
  /** A real client on the test database whose matching statements fail while told to. */
  db: Db;
  /** Statements refused so far. */
  refused: number;
  /** Refuses the next `times` statements matching `pattern` (Infinity: until heal()). */
  fail(pattern: RegExp, times?: number): void;
  heal(): void;
  close(): Promise<void>;
}

/**
 * A database client whose chosen statements fail as if PostgreSQL had gone away, everything else
 * reaching the real test database: raw SQL (the ledger's hot path) and Prisma both go through the
 * pg pool underneath, which is where the failure is injected.
 */
export function flakyDb(): FlakyDb {
  const db = createDb(process.env.DATABASE_URL!);
  const pool = sqlPool(db);
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let pattern: RegExp | undefined;
  let left = 0;
  const flaky: FlakyDb = {
    db,
    refused: 0,
    fail(next, times = Infinity) {
      pattern = next;
      left = times;
    },
    heal() {
      pattern = undefined;
      left = 0;
    },
    close: () => disconnectDb(db),
  };
  (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
    const first = args[0];
    const text = typeof first === "string" ? first : ((first as { text?: string } | null)?.text ?? "");
    if (pattern && left > 0 && pattern.test(text)) {
      left--;
      flaky.refused++;
      return Promise.reject(connectionRefused());
    }
    return query(...args);
  };
  return flaky;
}
