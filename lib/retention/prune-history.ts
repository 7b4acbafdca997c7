import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";

/**
 * Owners' notifications and the job timeline grow with every job; the ledger row of a run is kept
 * (history, audit, search), but its step-by-step events and the bell's entries are not worth
 * keeping for ever. The maintenance worker runs this on a schedule (worker/maintenance).
 */
export interface RetentionPolicy {
  notificationDays: number;
  timelineDays: number;
}

export interface PruneOutcome {
  notifications: number;
  timelineEvents: number;
}

/** Rows deleted per statement: short transactions, so the prune never holds locks for long. */
const BATCH = 5_000;

/**
 * Deletes notifications and timeline events older than the policy allows, in batches, until none
 * are left or `maxBatches` per table have run (the next scheduled run goes on from there).
 */
export async function pruneHistory(
  policy: RetentionPolicy,
  { db = defaultDb(), now = new Date(), maxBatches = 100 }: { db?: Db; now?: Date; maxBatches?: number } = {},
): Promise<PruneOutcome> {
  const before = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  return {
    notifications: await deleteOlder(db, `"Notification"`, `"id"`, `"createdAt"`, before(policy.notificationDays), maxBatches),
    timelineEvents: await deleteOlder(db, `"JobRunEvent"`, `"id"`, `"at"`, before(policy.timelineDays), maxBatches),
  };
}

async function deleteOlder(db: Db, table: string, key: string, column: string, cutoff: string, maxBatches: number): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    // Stored times are UTC without a zone (as Prisma writes them): compare in the same terms.
    const result = await sqlPool(db).query(
      `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${column} < ($1::timestamptz AT TIME ZONE 'UTC') LIMIT ${BATCH})`,
      [cutoff],
    );
    deleted += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < BATCH) break;
  }
  return deleted;
}
