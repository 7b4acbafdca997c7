import { encodeKeysetCursor, type KeysetCursor } from "../api/keyset-cursor";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { isQueueKey, type QueueKey } from "../jobs/catalog";
import { failureFingerprint, normaliseFailure } from "../jobs/failure-fingerprint";
import { withinRetentionSql } from "./retention";

/**
 * The failed-jobs desk (dead letter): the ledger's final failures grouped by fingerprint (queue +
 * job name + normalised message). Reads only; bulk actions live in lib/bulk-actions.
 */

export interface FailureGroup {
  fingerprint: string;
  queue: QueueKey;
  name: string;
  /** The normalised message, e.g. `Product <id> has only <n> days of sales history`. */
  pattern: string;
  sampleReason: string | null;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  /** The newest three jobs of the group. */
  sampleJobIds: string[];
}

export type FailureGroupSort = "last" | "count";

export interface FailureGroupFilter {
  queue?: QueueKey;
  /** Only failures of runs working for this organisation: counts, samples and all. */
  organizationId?: string;
  /** Case-insensitive text matched against queue, job name, pattern and the sample reason. */
  q?: string;
  sort?: FailureGroupSort;
  /** @defaultValue 200 */
  limit?: number;
}

export interface FailureGroupList {
  groups: FailureGroup[];
  /** Groups matching the filter (the list stops at `limit`). */
  totalGroups: number;
  /** Failed jobs in the matching groups. */
  totalJobs: number;
  /** Failures recorded before fingerprints existed that are still waiting to be grouped (see fingerprintLegacyFailures). */
  ungrouped: number;
}

const SAMPLE_SIZE = 3;
const BASE_CONDITION = `"state" = 'FAILED' AND "removedAt" IS NULL`;

/** ` AND <alias>"organizationId" = $n` for a filter by organisation, pushing the value; "" without one. */
function organizationSql(values: unknown[], organizationId: string | undefined, alias?: string): string {
  if (!organizationId) return "";
  return ` AND ${alias ? `${alias}.` : ""}"organizationId" = $${values.push(organizationId)}`;
}

/** Every failure group within retention, biggest or most recent first. */
export async function listFailureGroups(
  filter: FailureGroupFilter = {},
  { db = defaultDb(), now = new Date() }: { db?: Db; now?: Date } = {},
): Promise<FailureGroupList> {
  const pool = sqlPool(db);
  const ungrouped = await fingerprintLegacyFailures({ db });
  const values: unknown[] = [];
  const queueCondition = filter.queue ? ` AND "queue" = $${values.push(filter.queue)}` : "";
  const organizationCondition = organizationSql(values, filter.organizationId);
  const retention = withinRetentionSql(values, now);
  // Covered by the (state, failureFingerprint, queue, finishedAt, removedAt) index: no heap reads
  // however many failures there are. An admin's filter by organisation reads the rows as well (the
  // index does not hold the organisation), which a desk narrowed to one manufacturer can afford.
  const { rows } = await pool.query<{ fingerprint: string; count: number; firstSeen: Date; lastSeen: Date }>(
    `SELECT "failureFingerprint" AS "fingerprint", count(*)::int AS "count",
            (min("finishedAt") AT TIME ZONE 'UTC') AS "firstSeen", (max("finishedAt") AT TIME ZONE 'UTC') AS "lastSeen"
     FROM "JobRun"
     WHERE ${BASE_CONDITION} AND "failureFingerprint" IS NOT NULL${queueCondition}${organizationCondition} AND ${retention}
     GROUP BY "failureFingerprint"`,
    values,
  );
  const sort = filter.sort ?? "last";
  const order = (a: { count: number; lastSeen: Date }, b: { count: number; lastSeen: Date }) =>
    sort === "count"
      ? b.count - a.count || b.lastSeen.getTime() - a.lastSeen.getTime()
      : b.lastSeen.getTime() - a.lastSeen.getTime() || b.count - a.count;
  rows.sort(order);
  const limit = filter.limit ?? 200;
  const q = filter.q?.trim().toLowerCase();
  // Without a text filter only the groups shown need their samples; with one, every group's
  // pattern must be known to match it.
  const candidates = q ? rows : rows.slice(0, limit);
  const samples = await groupSamples(
    candidates.map((row) => row.fingerprint),
    { db, now, organizationId: filter.organizationId },
  );
  const groups: FailureGroup[] = [];
  for (const row of candidates) {
    const sample = samples.get(row.fingerprint);
    if (!sample) continue;
    const group: FailureGroup = { ...row, ...sample };
    if (q && ![group.queue, group.name, group.pattern, group.sampleReason ?? ""].some((text) => text.toLowerCase().includes(q))) continue;
    groups.push(group);
  }
  const matching = q ? groups : rows;
  return {
    groups: groups.slice(0, limit),
    totalGroups: matching.length,
    totalJobs: matching.reduce((sum, group) => sum + group.count, 0),
    ungrouped,
  };
}

/**
 * One group's summary, or null when none of its jobs is failed (within retention) any more; only
 * the jobs of one organisation when `organizationId` is given.
 */
export async function findFailureGroup(
  fingerprint: string,
  { organizationId }: { organizationId?: string } = {},
  { db = defaultDb(), now = new Date() }: { db?: Db; now?: Date } = {},
): Promise<FailureGroup | null> {
  const values: unknown[] = [fingerprint];
  const organizationCondition = organizationSql(values, organizationId);
  const retention = withinRetentionSql(values, now);
  const { rows } = await sqlPool(db).query<{ count: number; firstSeen: Date | null; lastSeen: Date | null }>(
    `SELECT count(*)::int AS "count", (min("finishedAt") AT TIME ZONE 'UTC') AS "firstSeen", (max("finishedAt") AT TIME ZONE 'UTC') AS "lastSeen"
     FROM "JobRun" WHERE ${BASE_CONDITION} AND "failureFingerprint" = $1${organizationCondition} AND ${retention}`,
    values,
  );
  const row = rows[0];
  if (!row || row.count === 0) return null;
  const sample = (await groupSamples([fingerprint], { db, now, organizationId })).get(fingerprint);
  if (!sample) return null;
  return { fingerprint, count: row.count, firstSeen: row.firstSeen!, lastSeen: row.lastSeen!, ...sample };
}

type GroupSample = Pick<FailureGroup, "queue" | "name" | "pattern" | "sampleReason" | "sampleJobIds">;

/** The newest jobs of each group (one short index range per group), and what they say. */
async function groupSamples(
  fingerprints: string[],
  { db, now, organizationId }: { db: Db; now: Date; organizationId?: string },
): Promise<Map<string, GroupSample>> {
  const result = new Map<string, GroupSample>();
  if (fingerprints.length === 0) return result;
  const values: unknown[] = [fingerprints];
  const organizationCondition = organizationSql(values, organizationId, "j");
  const retention = withinRetentionSql(values, now, "j");
  const { rows } = await sqlPool(db).query<{ fingerprint: string; id: string; queue: string; name: string; failedReason: string | null }>(
    `SELECT g."fingerprint", s."id", s."queue", s."name", s."failedReason"
     FROM unnest($1::text[]) AS g("fingerprint")
     CROSS JOIN LATERAL (
       SELECT j."id", j."queue", j."name", j."failedReason" FROM "JobRun" j
       WHERE j."failureFingerprint" = g."fingerprint" AND j."state" = 'FAILED' AND j."removedAt" IS NULL${organizationCondition} AND ${retention}
       ORDER BY j."finishedAt" DESC, j."id" DESC LIMIT ${SAMPLE_SIZE}
     ) s`,
    values,
  );
  for (const row of rows) {
    const existing = result.get(row.fingerprint);
    if (existing) {
      existing.sampleJobIds.push(row.id);
      continue;
    }
    if (!isQueueKey(row.queue)) continue;
    result.set(row.fingerprint, {
      queue: row.queue,
      name: row.name,
      pattern: normaliseFailure(row.failedReason ?? ""),
      sampleReason: row.failedReason,
      sampleJobIds: [row.id],
    });
  }
  return result;
}

export interface FailedJobRow {
  id: string;
  queue: QueueKey;
  name: string;
  owner: { id: string; name: string; email: string } | null;
  failedAt: Date;
  reason: string | null;
  attempts: number;
}

export interface FailedJobPage {
  jobs: FailedJobRow[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/**
 * A group's failed jobs, newest first, a page at a time by keyset (fast on the last page of
 * 100,000 too); only one organisation's when `organizationId` is given.
 */
export async function listGroupJobs(
  fingerprint: string,
  { cursor, limit = 50, organizationId }: { cursor?: KeysetCursor; limit?: number; organizationId?: string } = {},
  { db = defaultDb(), now = new Date() }: { db?: Db; now?: Date } = {},
): Promise<FailedJobPage> {
  const values: unknown[] = [fingerprint, limit + 1];
  const organizationCondition = organizationSql(values, organizationId, "j");
  const retention = withinRetentionSql(values, now, "j");
  let after = "";
  if (cursor) {
    values.push(cursor.at.toISOString(), cursor.id);
    after = ` AND (j."finishedAt", j."id") < (($${values.length - 1}::timestamptz AT TIME ZONE 'UTC'), $${values.length})`;
  }
  const { rows } = await sqlPool(db).query<{
    id: string;
    queue: string;
    name: string;
    ownerId: string | null;
    ownerName: string | null;
    ownerEmail: string | null;
    failedAt: Date;
    reason: string | null;
    attempts: number;
  }>(
    `SELECT j."id", j."queue", j."name", j."ownerId", u."name" AS "ownerName", u."email" AS "ownerEmail",
            (j."finishedAt" AT TIME ZONE 'UTC') AS "failedAt", j."failedReason" AS "reason", j."attempts"
     FROM "JobRun" j LEFT JOIN "User" u ON u."id" = j."ownerId"
     WHERE j."failureFingerprint" = $1 AND j."state" = 'FAILED' AND j."removedAt" IS NULL${organizationCondition} AND ${retention}${after}
     ORDER BY j."finishedAt" DESC, j."id" DESC
     LIMIT $2`,
    values,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    jobs: page.map((row) => ({
      id: row.id,
      queue: row.queue as QueueKey,
      name: row.name,
      owner: row.ownerId && row.ownerName !== null ? { id: row.ownerId, name: row.ownerName, email: row.ownerEmail ?? "" } : null,
      failedAt: row.failedAt,
      reason: row.reason,
      attempts: row.attempts,
    })),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.failedAt, id: last.id }) : null,
  };
}

/**
 * Failures recorded before the worker wrote fingerprints have none. They are fingerprinted here,
 * lazily, in bounded batches computed in JS (the normalisation is the worker's own regexes, which
 * SQL could not reproduce exactly), so the same failure lands in the same group whether it is old
 * or new, with no migration over a big table. Each call does at most `maxBatches` batches and
 * returns how many are left; the maintenance worker runs it to the end at start.
 */
export async function fingerprintLegacyFailures({
  db = defaultDb(),
  batchSize = 2_000,
  maxBatches = 2,
}: { db?: Db; batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const pool = sqlPool(db);
  for (let batch = 0; batch < maxBatches; batch++) {
    // Through the (state, failureFingerprint) index, where NULLs are indexed: cheap when there are none.
    // The ORDER BY is what makes PostgreSQL use it: it estimates state and fingerprint independently
    // (10 % failed × 90 % without a fingerprint, mostly waiting jobs) and would otherwise scan the
    // whole ledger for rows that are not there (165 ms at a million rows; 0.03 ms this way).
    const { rows } = await pool.query<{ id: string; queue: string; name: string; failedReason: string | null }>(
      `SELECT "id", "queue", "name", "failedReason" FROM "JobRun" WHERE "state" = 'FAILED' AND "failureFingerprint" IS NULL
       ORDER BY "state", "failureFingerprint" LIMIT $1`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    await pool.query(
      `UPDATE "JobRun" j SET "failureFingerprint" = u."fingerprint"
       FROM unnest($1::text[], $2::text[]) AS u("id", "fingerprint")
       WHERE j."id" = u."id" AND j."failureFingerprint" IS NULL`,
      [rows.map((row) => row.id), rows.map((row) => failureFingerprint(row.queue, row.name, row.failedReason ?? ""))],
    );
    if (rows.length < batchSize) return 0;
  }
  const { rows } = await pool.query<{ count: number }>(
    `SELECT count(*)::int AS "count" FROM "JobRun" WHERE "state" = 'FAILED' AND "failureFingerprint" IS NULL`,
  );
  return rows[0]?.count ?? 0;
}
