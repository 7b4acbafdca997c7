import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "../db";
import { sqlPool } from "../db";
import { writeNotifications } from "../notifications/in-app";
import { QUEUE_KEYS, queueDefinition, type QueueKey } from "../jobs/catalog";
import type { QueueManager } from "../jobs/queue-manager";
import { oldestWaiting } from "../jobs/queue-overview";
import { listWorkers } from "../jobs/worker-registry";
import { bucketStarts, FIELD, metricsKey } from "../metrics/buckets";
import { queueHref, type AlertNotificationKind } from "./alert-links";
import { alertsEvaluatedKey, alertsLockKey, alertsStateKey, readAlertStates } from "./alert-store";
import { describeFiring, describeResolved } from "./describe-alert";
import { checkQueue, FAILURE_WINDOW_MINUTES, nextAlertStates, type AlertState, type AlertThresholds, type QueueSnapshot } from "./rules";
import type { RedisClient } from "../redis";

export interface EvaluateAlertsOptions {
  /** A connection that may run MULTI and pipelines (the maintenance worker's queue connection). */
  redis: RedisClient;
  prefix: string;
  db: Db;
  queues: QueueManager;
  thresholds: AlertThresholds;
  logger?: Pick<Logger, "info" | "warn">;
  /** @defaultValue Date.now() */
  now?: number;
  /**
   * How long one evaluation may hold the cluster-wide lock. Runs are scheduled once a minute, but
   * a slow one must not overlap the next and deliver the same transition twice. @defaultValue 50 s
   */
  lockMs?: number;
}

export interface AlertEvaluation {
  /** True when another process was evaluating at the same moment; nothing was done. */
  skipped: boolean;
  fired: AlertState[];
  resolved: AlertState[];
  /** Every alert firing after this evaluation. */
  firing: AlertState[];
  /** Ids of the notification rows written (one per admin per fired or resolved alert). */
  notificationIds: string[];
}

/**
 * One evaluation for the whole cluster: read every queue's figures, apply the rules, and deliver
 * transitions only: an alert notifies all admins when it fires and when it resolves, never in
 * between. The per-alert state lives in Redis, so a restarted or different worker process carries
 * on where the last evaluation stopped. Notifications are written before the new state is saved:
 * if the database write fails the state stays as it was and the next run tries again (an admin
 * may rarely hear of an alert twice, never not at all).
 */
export async function evaluateAlerts(options: EvaluateAlertsOptions): Promise<AlertEvaluation> {
  const { redis, prefix, db, thresholds, logger } = options;
  const now = options.now ?? Date.now();
  const token = randomUUID();
  const locked = await redis.set(alertsLockKey(prefix), token, "PX", options.lockMs ?? 50_000, "NX");
  if (locked !== "OK") return { skipped: true, fired: [], resolved: [], firing: [], notificationIds: [] };
  try {
    const [snapshots, previous] = await Promise.all([readSnapshots(options, now), readAlertStates(redis, prefix)]);
    const conditions = snapshots.flatMap((snapshot) => checkQueue(snapshot, thresholds, now));
    const { states, fired, resolved } = nextAlertStates(previous, conditions, now);

    const notificationIds: string[] = [];
    for (const state of fired) {
      const label = queueDefinition(state.queue).label;
      const text = describeFiring(state, label, thresholds, now);
      notificationIds.push(...(await notifyAdmins(db, state.queue, "queue.alert", text)));
      logger?.warn({ alert: state.rule, queue: state.queue, figures: state.figures, title: text.title }, "queue alert fired");
    }
    for (const state of resolved) {
      const label = queueDefinition(state.queue).label;
      const text = describeResolved(state, label, now);
      notificationIds.push(...(await notifyAdmins(db, state.queue, "queue.alert-resolved", text)));
      logger?.info({ alert: state.rule, queue: state.queue, firedAt: new Date(state.firingSince ?? now).toISOString() }, "queue alert resolved");
    }

    const multi = redis.multi().del(alertsStateKey(prefix));
    if (states.size > 0) multi.hset(alertsStateKey(prefix), Object.fromEntries([...states].map(([id, state]) => [id, JSON.stringify(state)])));
    multi.set(alertsEvaluatedKey(prefix), String(now));
    await multi.exec();
    return { skipped: false, fired, resolved, firing: [...states.values()].filter((state) => state.firingSince !== null), notificationIds };
  } finally {
    // Only our own lock: a run that overran its lock must not free the next run's.
    const current = await redis.get(alertsLockKey(prefix)).catch(() => null);
    if (current === token) await redis.del(alertsLockKey(prefix)).catch(() => {});
  }
}

/** Every queue's figures: counts (BullMQ), live workers (heartbeats), recent outcomes (metrics buckets), oldest waiting job (ledger). */
async function readSnapshots({ redis, prefix, db, queues }: EvaluateAlertsOptions, now: number): Promise<QueueSnapshot[]> {
  const [stats, workers, outcomes, oldest] = await Promise.all([queues.allStats(), listWorkers(redis, prefix), readRecentOutcomes(redis, prefix, now), oldestWaiting(db)]);
  return stats.map((queueStats) => ({
    queue: queueStats.key,
    waiting: queueStats.waiting,
    isPaused: queueStats.isPaused,
    workers: workers.filter((worker) => worker.queues.includes(queueStats.key)).length,
    completedRecently: outcomes[queueStats.key].completed,
    failedRecently: outcomes[queueStats.key].failed,
    oldestWaitingAt: queueStats.waiting > 0 ? (oldest[queueStats.key]?.getTime() ?? null) : null,
  }));
}

/** Completed and finally-failed jobs per queue over the last FAILURE_WINDOW_MINUTES minute buckets, in one round trip. */
async function readRecentOutcomes(redis: RedisClient, prefix: string, now: number): Promise<Record<QueueKey, { completed: number; failed: number }>> {
  const starts = bucketStarts(now, "minute", FAILURE_WINDOW_MINUTES);
  const pipeline = redis.pipeline();
  for (const key of QUEUE_KEYS) for (const start of starts) pipeline.hmget(metricsKey(prefix, key, "minute", start), FIELD.completed, FIELD.failed);
  const results = (await pipeline.exec()) ?? [];
  const totals = {} as Record<QueueKey, { completed: number; failed: number }>;
  QUEUE_KEYS.forEach((key, queueIndex) => {
    const sum = { completed: 0, failed: 0 };
    for (const [error, values] of results.slice(queueIndex * starts.length, (queueIndex + 1) * starts.length)) {
      if (error) throw error;
      const [completed, failed] = values as (string | null)[];
      sum.completed += Number(completed ?? 0) || 0;
      sum.failed += Number(failed ?? 0) || 0;
    }
    totals[key] = sum;
  });
  return totals;
}

/** One notification per admin (whoever is an admin now); returns the new rows' ids. */
async function notifyAdmins(db: Db, queue: QueueKey, kind: AlertNotificationKind, text: { title: string; body: string }): Promise<string[]> {
  const { rows: admins } = await sqlPool(db).query<{ id: string }>(`SELECT "id" FROM "User" WHERE "role" = 'ADMIN'`);
  return writeNotifications(admins.map((admin) => ({ userId: admin.id, kind, ...text, link: queueHref(queue) })), { db });
}
