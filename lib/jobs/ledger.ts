import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import type { JobState } from "../generated/prisma/client";
import type { QueueKey } from "./catalog";

/**
 * The job ledger: one PostgreSQL row per BullMQ job, same id. It outlives Redis retention and is
 * what "my runs", search by business entity and audit read from.
 */
export interface NewRun {
  id: string;
  queue: QueueKey;
  name: string;
  ownerId: string | null;
  /** The organisation the run works for; null for system jobs. */
  organizationId: string | null;
  businessKey?: string;
  data: unknown;
  priority?: number;
  delayed: boolean;
}

export async function createRun(run: NewRun, { db = defaultDb() }: { db?: Db } = {}): Promise<void> {
  const state: JobState = run.delayed ? "DELAYED" : "WAITING";
  await sqlPool(db).query(
    `INSERT INTO "JobRun" ("id", "queue", "name", "ownerId", "organizationId", "businessKey", "data", "priority", "state", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::"JobState", ${UTC_NOW}, ${UTC_NOW})`,
    [run.id, run.queue, run.name, run.ownerId, run.organizationId, run.businessKey ?? null, JSON.stringify(run.data), run.priority ?? null, state],
  );
}

/**
 * Many runs in one statement (a bulk enqueue): the columns travel as arrays and `unnest` turns them
 * back into rows, so 10,000 runs are one INSERT and one round trip, whatever their number.
 */
export async function createRuns(runs: readonly NewRun[], { db = defaultDb() }: { db?: Db } = {}): Promise<void> {
  if (runs.length === 0) return;
  // Named, so each pooled connection parses and plans it once: it runs for every launch.
  await sqlPool(db).query({
    name: "ledger-create-runs",
    text: `INSERT INTO "JobRun" ("id", "queue", "name", "ownerId", "organizationId", "businessKey", "data", "priority", "state", "createdAt", "updatedAt")
     SELECT "id", "queue", "name", "ownerId", "organizationId", "businessKey", "data"::jsonb, "priority", "state"::"JobState", ${UTC_NOW}, ${UTC_NOW}
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[])
         AS run("id", "queue", "name", "ownerId", "organizationId", "businessKey", "data", "priority", "state")`,
    values: [
      runs.map((run) => run.id),
      runs.map((run) => run.queue),
      runs.map((run) => run.name),
      runs.map((run) => run.ownerId),
      runs.map((run) => run.organizationId),
      runs.map((run) => run.businessKey ?? null),
      runs.map((run) => JSON.stringify(run.data)),
      runs.map((run) => run.priority ?? null),
      runs.map((run): JobState => (run.delayed ? "DELAYED" : "WAITING")),
    ],
  });
}

/** At most this many grouped INSERTs run at once per pool; launches arriving meanwhile wait and share the next. */
const GROUP_IN_FLIGHT = 2;
/** A group stops taking launches past this many rows (a bulk launch larger than this goes alone). */
const GROUP_MAX_ROWS = 1_000;

interface PendingRuns {
  runs: readonly NewRun[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Launches that arrive while earlier INSERTs are still in flight share one (group commit). Under
 * load a web process writes a ledger row for nearly every request, and each statement of its own
 * cost a socket write and read in this process (the largest single item of an enqueue's CPU, see
 * `npm run bench`'s web profile) and a statement and a commit in PostgreSQL. An idle process still
 * writes each launch at once, so grouping adds no wait when there is nothing to share with. Each
 * caller's promise settles when its own rows are written, so its job is added only after its row
 * exists, as before.
 */
class RunGroups {
  private readonly waiting: PendingRuns[] = [];
  private inFlight = 0;

  constructor(private readonly db: Db) {}

  add(runs: readonly NewRun[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ runs, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < GROUP_IN_FLIGHT && this.waiting.length > 0) {
      const group = [this.waiting.shift()!];
      let rows = group[0]!.runs.length;
      while (this.waiting.length > 0 && rows + this.waiting[0]!.runs.length <= GROUP_MAX_ROWS) {
        rows += this.waiting[0]!.runs.length;
        group.push(this.waiting.shift()!);
      }
      this.inFlight++;
      void this.write(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(group: PendingRuns[]): Promise<void> {
    try {
      await createRuns(group.length === 1 ? group[0]!.runs : group.flatMap((pending) => pending.runs), { db: this.db });
      for (const pending of group) pending.resolve();
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      // One launch's bad row (an owner deleted a moment ago) must not fail the others it was
      // grouped with: each is written alone and gets its own outcome.
      await Promise.all(group.map((pending) => createRuns(pending.runs, { db: this.db }).then(pending.resolve, pending.reject)));
    }
  }
}

const globalGroups = globalThis as unknown as { __capliquifyRunGroups?: WeakMap<Db, RunGroups> };
const runGroups = (globalGroups.__capliquifyRunGroups ??= new WeakMap<Db, RunGroups>());

/**
 * Writes the rows of one launch like `createRuns`, sharing the INSERT with launches made at the
 * same time (see RunGroups). Resolves once these rows are written; rejects with this launch's
 * own error.
 */
export function createRunsGrouped(runs: readonly NewRun[], { db = defaultDb() }: { db?: Db } = {}): Promise<void> {
  if (runs.length === 0) return Promise.resolve();
  if (runs.length > GROUP_MAX_ROWS) return createRuns(runs, { db });
  let groups = runGroups.get(db);
  if (!groups) runGroups.set(db, (groups = new RunGroups(db)));
  return groups.add(runs);
}

/** Removes the rows of runs no queue holds (a bulk add Redis refused); one statement. */
export async function deleteRuns(ids: readonly string[], { db = defaultDb() }: { db?: Db } = {}): Promise<void> {
  if (ids.length === 0) return;
  await sqlPool(db).query(`DELETE FROM "JobRun" WHERE "id" = ANY($1::text[])`, [ids]);
}

export function deleteRun(id: string, { db = defaultDb() }: { db?: Db } = {}) {
  return db.jobRun.deleteMany({ where: { id } });
}

export function findRun(id: string, { db = defaultDb() }: { db?: Db } = {}) {
  return db.jobRun.findUnique({ where: { id } });
}

export interface RunUpdate {
  state?: JobState;
  progress?: number;
  progressText?: string | null;
  attempts?: number;
  result?: unknown;
  failedReason?: string | null;
  failureFingerprint?: string | null;
  startedAt?: Date;
  finishedAt?: Date | null;
  removedAt?: Date | null;
}

/**
 * A failure reason is an error's message, whose length nobody bounds (a processor may throw with a
 * whole response body in it): the ledger keeps its start, enough to read and to group by.
 */
export const MAX_FAILED_REASON_LENGTH = 10_000;

/** Timestamps are stored as UTC without a zone, as Prisma does. */
const UTC_NOW = `(now() AT TIME ZONE 'UTC')`;

const COLUMNS: Record<keyof RunUpdate, { column: string; cast?: string }> = {
  state: { column: "state", cast: '"JobState"' },
  progress: { column: "progress" },
  progressText: { column: "progressText" },
  attempts: { column: "attempts" },
  result: { column: "result", cast: "jsonb" },
  failedReason: { column: "failedReason" },
  failureFingerprint: { column: "failureFingerprint" },
  startedAt: { column: "startedAt", cast: "timestamptz" },
  finishedAt: { column: "finishedAt", cast: "timestamptz" },
  removedAt: { column: "removedAt", cast: "timestamptz" },
};

/** States a run leaves only by being retried: the ledger reconciler judges the others. */
export const FINAL_RUN_STATES: readonly JobState[] = ["COMPLETED", "FAILED", "CANCELLED", "LOST"];
export const OPEN_RUN_STATES: readonly JobState[] = ["WAITING", "DELAYED", "PRIORITIZED", "ACTIVE"];

/**
 * Updates a run; a run that is missing (removed by an admin) is ignored rather than failing the job.
 * Plain SQL: the worker writes the ledger at every state change of every job. `onlyIfState` makes
 * it conditional (one state or any of several); resolves to the number of rows changed (0 or 1).
 */
export async function updateRun(
  id: string,
  update: RunUpdate,
  { db = defaultDb(), onlyIfState }: { db?: Db; onlyIfState?: JobState | readonly JobState[] } = {},
): Promise<number> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [key, given] of Object.entries(update) as [keyof RunUpdate, unknown][]) {
    if (given === undefined) continue;
    const value = key === "failedReason" && typeof given === "string" ? given.slice(0, MAX_FAILED_REASON_LENGTH) : given;
    const { column, cast } = COLUMNS[key];
    values.push(value instanceof Date ? value.toISOString() : cast === "jsonb" && value !== null ? JSON.stringify(value) : value);
    const parameter = cast ? `$${values.length}::${cast}` : `$${values.length}`;
    sets.push(`"${column}" = ${cast === "timestamptz" ? `(${parameter} AT TIME ZONE 'UTC')` : parameter}`);
  }
  sets.push(`"updatedAt" = ${UTC_NOW}`);
  let where = `"id" = $1`;
  if (typeof onlyIfState === "string") {
    values.push(onlyIfState);
    where += ` AND "state" = $${values.length}::"JobState"`;
  } else if (onlyIfState) {
    values.push(onlyIfState);
    where += ` AND "state" = ANY($${values.length}::"JobState"[])`;
  }
  const { rowCount } = await sqlPool(db).query(`UPDATE "JobRun" SET ${sets.join(", ")} WHERE ${where}`, values);
  return rowCount ?? 0;
}

export interface RunFilter {
  ownerId?: string;
  queue?: QueueKey;
  businessKey?: string;
  take?: number;
}

export function listRuns(filter: RunFilter, { db = defaultDb() }: { db?: Db } = {}) {
  return db.jobRun.findMany({
    where: { ownerId: filter.ownerId, queue: filter.queue, businessKey: filter.businessKey },
    orderBy: { createdAt: "desc" },
    take: filter.take ?? 20,
  });
}
