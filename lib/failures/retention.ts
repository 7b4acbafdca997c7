import { QUEUE_KEYS, type QueueKey } from "../jobs/catalog";
import { queueSettings } from "../jobs/settings";

/**
 * The desk shows a failure only while its queue's failed retention (7 days, 30 for imports) has not
 * passed: that is as long as Redis keeps the job, so whatever the desk lists can still be retried.
 * Older failures stay in the ledger as history.
 */
export function failedCutoffs(now: Date = new Date()): Map<QueueKey, Date> {
  return new Map(QUEUE_KEYS.map((key) => [key, new Date(now.getTime() - queueSettings(key).keepFailedMs)]));
}

/**
 * A SQL condition "finishedAt is within its queue's failed retention", as a CASE over the queues
 * with bound parameters appended to `values`. A CASE (rather than a join on a VALUES list) keeps the
 * grouping an index-only scan; the extra lower bound on the oldest cutoff lets the index range it.
 */
export function withinRetentionSql(values: unknown[], now: Date = new Date(), alias = ""): string {
  const column = (name: string) => `${alias ? `${alias}.` : ""}"${name}"`;
  const cutoffs = failedCutoffs(now);
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const asTimestamp = (date: Date) => `(${param(date.toISOString())}::timestamptz AT TIME ZONE 'UTC')`;
  const oldest = new Date(Math.min(...[...cutoffs.values()].map((date) => date.getTime())));
  const branches = [...cutoffs].map(([key, cutoff]) => `WHEN ${param(key)} THEN ${asTimestamp(cutoff)}`).join(" ");
  return `(${column("finishedAt")} >= ${asTimestamp(oldest)} AND ${column("finishedAt")} >= CASE ${column("queue")} ${branches} END)`;
}
