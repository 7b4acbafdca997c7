import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import type { JobState } from "../generated/prisma/client";
import { QUEUE_KEYS, type QueueKey } from "./catalog";
import { encodeKeysetCursor, type KeysetCursor } from "../api/keyset-cursor";
import { LEDGER_STATES, type RunStateFilter } from "./run-states";
import { describeSubjects, searchSubjects, searchUsers, type Subject } from "./subjects";

/** Search across every queue through the ledger, so jobs Redis no longer holds are found too. */
export interface RunSearch {
  /** What a run is about (a product's SKU or name, a user's name or email, any subject's id), a job id, or a job name. */
  q?: string;
  queue?: QueueKey;
  /** Exact job name. */
  name?: string;
  state?: RunStateFilter;
  /** An owner's email or name (case-insensitive, part of it is enough), or id. */
  owner?: string;
  /** Only runs working for this organisation. */
  organizationId?: string;
  /** Created at or after. */
  from?: Date;
  /** Created at or before. */
  to?: Date;
  /** Rows strictly older than this position (newest first). */
  after?: KeysetCursor;
  limit: number;
}

export interface RunSearchRow {
  id: string;
  queue: QueueKey;
  name: string;
  state: ReturnType<typeof userStateOf>;
  progress: number;
  attempts: number;
  priority: number | null;
  owner: { id: string; email: string; name: string } | null;
  /** The organisation the run works for; null for system jobs. */
  organizationId: string | null;
  businessKey: string | null;
  /** What the run is about (lib/jobs/subjects.ts); null when its queue declares no subject or it has no business key. */
  subject: Subject | null;
  failedReason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Set once an admin removed the job from its queue (the row stays as history). */
  removedAt: string | null;
}

export interface RunSearchPage {
  runs: RunSearchRow[];
  nextCursor: string | null;
}


function userStateOf(state: JobState) {
  return (state === "PRIORITIZED" ? "waiting" : state.toLowerCase()) as "waiting" | "delayed" | "active" | "completed" | "failed" | "cancelled" | "lost";
}

/**
 * Newest first, keyset-paginated on (createdAt, id). Text filters are first turned into ids (the
 * subject registry's search per subject kind, and the owners; those tables are small); the ledger
 * is then read through its indexes, and the page's subjects are named with one query per kind. A state filter
 * becomes one branch per (queue, state) pair, each an ordered scan of the (queue, state, createdAt)
 * index that stops after a page, so a rare state (cancelled, say) is as fast as a common one
 * among a million rows.
 */
export async function searchRuns(search: RunSearch, { db = defaultDb() }: { db?: Db } = {}): Promise<RunSearchPage> {
  const pool = sqlPool(db);
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const conditions: string[] = [];
  if (search.organizationId) conditions.push(`r."organizationId" = ${param(search.organizationId)}`);

  const queues: readonly QueueKey[] = search.queue ? [search.queue] : QUEUE_KEYS;
  const q = search.q?.trim();
  // The text: a job id, a job name, or the subjects it names (lib/jobs/subjects.ts), each kind's
  // only among the queues about that kind.
  let textMatch: ((queue?: QueueKey) => string) | undefined;
  if (q) {
    const exact = [`r."id" = ${param(q)}`, `r."name" = ${param(q)}`];
    const named = (await searchSubjects(q, queues, { db, organizationId: search.organizationId })).map((match) => ({ queues: match.queues, ids: param(match.ids) }));
    // Called once per query (no state filter) or once per queue's branch; a parameter the query
    // does not use would leave PostgreSQL unable to type it, so each is added where it is used.
    textMatch = (queue) => {
      const about = queue
        ? named.filter((match) => match.queues.includes(queue)).map((match) => `r."businessKey" = ANY(${match.ids}::text[])`)
        : named.map((match) => `(r."businessKey" = ANY(${match.ids}::text[]) AND r."queue" = ANY(${param(match.queues)}::text[]))`);
      return `(${[...exact, ...about].join(" OR ")})`;
    };
  }

  const owner = search.owner?.trim();
  if (owner) {
    // Not narrowed to the organisation: an admin of another one may own its runs.
    const users = await searchUsers(owner, { db });
    if (users.length === 0) return { runs: [], nextCursor: null };
    conditions.push(`r."ownerId" = ANY(${param(users)}::text[])`);
  }

  if (search.name) conditions.push(`r."name" = ${param(search.name)}`);
  if (search.from) conditions.push(`r."createdAt" >= (${param(search.from.toISOString())}::timestamptz AT TIME ZONE 'UTC')`);
  if (search.to) conditions.push(`r."createdAt" <= (${param(search.to.toISOString())}::timestamptz AT TIME ZONE 'UTC')`);
  if (search.after) {
    const at = param(search.after.at.toISOString());
    conditions.push(`(r."createdAt", r."id") < ((${at}::timestamptz AT TIME ZONE 'UTC'), ${param(search.after.id)})`);
  }

  const take = search.limit + 1;
  const order = `ORDER BY r."createdAt" DESC, r."id" DESC`;
  let ids: string;
  if (search.state) {
    const branches: string[] = [];
    for (const queue of queues) {
      // Within one queue's branch only the subject kind of that queue can match.
      const text = textMatch ? [textMatch(queue)] : [];
      for (const state of LEDGER_STATES[search.state]) {
        const where = [`r."queue" = ${param(queue)}`, `r."state" = ${param(state)}::"JobState"`, ...conditions, ...text].join(" AND ");
        branches.push(`(SELECT r."id", r."createdAt" FROM "JobRun" r WHERE ${where} ${order} LIMIT ${take})`);
      }
    }
    ids = `SELECT "id", "createdAt" FROM (${branches.join(" UNION ALL ")}) b ORDER BY "createdAt" DESC, "id" DESC LIMIT ${take}`;
  } else {
    if (search.queue) conditions.push(`r."queue" = ${param(search.queue)}`);
    if (textMatch) conditions.push(textMatch(search.queue));
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    ids = `SELECT r."id", r."createdAt" FROM "JobRun" r ${where} ${order} LIMIT ${take}`;
  }

  const { rows } = await pool.query<RawRow>(
    `SELECT r."id", r."queue", r."name", r."state"::text AS "state", r."progress", r."attempts", r."priority",
            r."ownerId", u."email" AS "ownerEmail", u."name" AS "ownerName", r."organizationId", r."businessKey", r."failedReason",
            (r."createdAt" AT TIME ZONE 'UTC') AS "createdAt", (r."startedAt" AT TIME ZONE 'UTC') AS "startedAt",
            (r."finishedAt" AT TIME ZONE 'UTC') AS "finishedAt", (r."removedAt" AT TIME ZONE 'UTC') AS "removedAt"
     FROM (${ids}) page
     JOIN "JobRun" r ON r."id" = page."id"
     LEFT JOIN "User" u ON u."id" = r."ownerId"
     ${order}`,
    values,
  );

  const page = rows.slice(0, search.limit);
  // Admins only: every organisation's subjects are named.
  const subjects = await describeSubjects(page.map(({ queue, businessKey }) => ({ queue, businessKey })), { db });
  const runs = page.map((row, index) => toRow(row, subjects[index]!));
  const last = runs.at(-1);
  const nextCursor = rows.length > search.limit && last ? encodeKeysetCursor({ at: new Date(last.createdAt), id: last.id }) : null;
  return { runs, nextCursor };
}

interface RawRow {
  id: string;
  queue: string;
  name: string;
  state: JobState;
  progress: number;
  attempts: number;
  priority: number | null;
  ownerId: string | null;
  ownerEmail: string | null;
  ownerName: string | null;
  organizationId: string | null;
  businessKey: string | null;
  failedReason: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  removedAt: Date | null;
}

function toRow(row: RawRow, subject: Subject | null): RunSearchRow {
  return {
    id: row.id,
    queue: row.queue as QueueKey,
    name: row.name,
    state: userStateOf(row.state),
    progress: row.progress,
    attempts: row.attempts,
    priority: row.priority,
    owner: row.ownerId && row.ownerEmail ? { id: row.ownerId, email: row.ownerEmail, name: row.ownerName ?? row.ownerEmail } : null,
    organizationId: row.organizationId,
    businessKey: row.businessKey,
    subject,
    failedReason: row.failedReason,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    removedAt: row.removedAt?.toISOString() ?? null,
  };
}
