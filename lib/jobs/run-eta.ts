import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import type { QueueKey } from "./catalog";

/**
 * ETAs for waiting and running jobs from the ledger's history: the median run time (startedAt to
 * finishedAt of the last attempt) of the latest completed runs of the same job type. Medians, not
 * means, so one stuck run does not skew every estimate.
 */

/** How many recent completed runs the median is taken over. */
export const ETA_SAMPLE_SIZE = 50;
/** Fewer completed runs than this say too little to estimate from. */
export const ETA_MIN_SAMPLES = 3;

export interface RunEta {
  /** Median run time of recent completed runs of this job type. */
  expectedMs: number;
  /**
   * For a running job, expected minus elapsed at the time of the answer, never below 0 (a run
   * taking longer than usual is "any moment", not negative). Null for a job that has not started:
   * its run time is known, not when a worker will take it.
   */
  remainingMs: number | null;
  /** "name": runs with the same queue and job name; "queue": the queue's runs of any name, when that name has too few. */
  basis: "name" | "queue";
  /** How many completed runs the median is taken over. */
  samples: number;
}

export interface DurationStat {
  medianMs: number;
  samples: number;
}

export interface EtaSubject {
  queue: string;
  name: string;
  state: "waiting" | "delayed" | "active" | string;
  startedAt: Date | string | null;
}

const pairKey = (queue: string, name: string | null) => `${queue}\u0000${name ?? ""}`;

/**
 * Median durations for the given job types: per queue and name where that name has enough
 * history, otherwise per queue. Two round trips at most, whatever the number of types.
 */
export async function runDurationStats(
  types: readonly { queue: string; name: string }[],
  { db = defaultDb() }: { db?: Db } = {},
): Promise<Map<string, DurationStat & { basis: "name" | "queue" }>> {
  const result = new Map<string, DurationStat & { basis: "name" | "queue" }>();
  const unique = [...new Map(types.map((type) => [pairKey(type.queue, type.name), type])).values()];
  if (unique.length === 0) return result;

  const byName = await medians(db, unique.map((type) => type.queue), unique.map((type) => type.name));
  const short: string[] = [];
  for (const type of unique) {
    const stat = byName.get(pairKey(type.queue, type.name));
    if (stat && stat.samples >= ETA_MIN_SAMPLES) result.set(pairKey(type.queue, type.name), { ...stat, basis: "name" });
    else if (!short.includes(type.queue)) short.push(type.queue);
  }
  if (short.length === 0) return result;
  const byQueue = await medians(db, short, null);
  for (const type of unique) {
    const key = pairKey(type.queue, type.name);
    if (result.has(key)) continue;
    const stat = byQueue.get(pairKey(type.queue, null));
    if (stat && stat.samples >= ETA_MIN_SAMPLES) result.set(key, { ...stat, basis: "queue" });
  }
  return result;
}

/** One LATERAL query for all types; each side reads at most ETA_SAMPLE_SIZE rows from an index. */
async function medians(db: Db, queues: string[], names: string[] | null): Promise<Map<string, DurationStat>> {
  const byName = names !== null;
  const { rows } = await sqlPool(db).query<{ queue: string; name: string | null; samples: number; median_ms: number | null }>(
    `SELECT k."queue", ${byName ? 'k."name"' : "NULL::text AS name"}, s."samples", s."median_ms"
       FROM unnest($1::text[]${byName ? ", $2::text[]" : ""}) AS k("queue"${byName ? ', "name"' : ""})
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS "samples", percentile_cont(0.5) WITHIN GROUP (ORDER BY d."ms") AS "median_ms"
           FROM (
             SELECT EXTRACT(EPOCH FROM (r."finishedAt" - r."startedAt")) * 1000 AS "ms"
               FROM "JobRun" r
              WHERE r."queue" = k."queue" ${byName ? 'AND r."name" = k."name"' : ""}
                AND r."state" = 'COMPLETED' AND r."startedAt" IS NOT NULL AND r."finishedAt" >= r."startedAt"
              ORDER BY r."createdAt" DESC
              LIMIT ${ETA_SAMPLE_SIZE}
           ) d
       ) s`,
    byName ? [queues, names] : [queues],
  );
  const result = new Map<string, DurationStat>();
  for (const row of rows) {
    if (row.median_ms === null) continue;
    result.set(pairKey(row.queue, row.name), { medianMs: Math.round(Number(row.median_ms)), samples: row.samples });
  }
  return result;
}

/** Whether a job in this state gets an ETA: it has yet to finish. */
export function needsEta(state: string): boolean {
  return state === "waiting" || state === "delayed" || state === "active";
}

/** The ETA of one job from its type's statistics, or null without enough history or once finished. */
export function estimateEta(
  subject: EtaSubject,
  stats: Map<string, DurationStat & { basis: "name" | "queue" }>,
  now = Date.now(),
): RunEta | null {
  if (!needsEta(subject.state)) return null;
  const stat = stats.get(pairKey(subject.queue, subject.name));
  if (!stat) return null;
  let remainingMs: number | null = null;
  if (subject.state === "active") {
    const started = subject.startedAt ? new Date(subject.startedAt).getTime() : now;
    remainingMs = Math.max(0, stat.medianMs - Math.max(0, now - started));
  }
  return { expectedMs: stat.medianMs, remainingMs, basis: stat.basis, samples: stat.samples };
}

/** Statistics key for a job type, as runDurationStats returns them. */
export function durationStatKey(queue: QueueKey | string, name: string): string {
  return pairKey(queue, name);
}
