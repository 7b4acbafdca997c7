/**
 * Queue alert rules: pure functions from a snapshot of one queue (counts, live workers, recent
 * outcomes, oldest waiting job) to the conditions that hold, and from the previous alert states to
 * the next ones. No Redis, no clock: the evaluator (evaluate-alerts.ts) gathers the figures, keeps
 * the states in Redis and delivers what fires or resolves.
 */
import type { QueueKey } from "../jobs/queue-keys";

export const ALERT_RULES = ["no-worker", "failure-rate", "oldest-waiting", "paused-too-long"] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** Failure rate is judged over this window: long enough for a few jobs, short enough to resolve soon after a fix. */
export const FAILURE_WINDOW_MINUTES = 15;

export interface AlertThresholds {
  /** Share of finished jobs that failed, 0-1, at or above which the failure-rate rule fires. @defaultValue 0.2 */
  failureRate: number;
  /** Finished jobs needed in the window before the failure rate counts (1 failure of 1 pages nobody). @defaultValue 10 */
  minFinished: number;
  /** Age of the oldest waiting job (queue not paused) at which the queue counts as stuck. @defaultValue 15 min */
  oldestWaitingMs: number;
  /** How long a queue may stay paused before someone is reminded to resume it. @defaultValue 30 min */
  pausedMs: number;
  /** How long jobs may wait with no live worker serving the queue. @defaultValue 2 min */
  noWorkerMs: number;
}

const MINUTE = 60_000;

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  failureRate: 0.2,
  minFinished: 10,
  oldestWaitingMs: 15 * MINUTE,
  pausedMs: 30 * MINUTE,
  noWorkerMs: 2 * MINUTE,
};

/** The thresholds from the parsed environment (ALERT_* variables, see lib/env.ts). */
export function thresholdsFromEnv(values: {
  ALERT_FAILURE_RATE: number;
  ALERT_MIN_FINISHED: number;
  ALERT_OLDEST_WAITING_MINUTES: number;
  ALERT_PAUSED_MINUTES: number;
  ALERT_NO_WORKER_MINUTES: number;
}): AlertThresholds {
  return {
    failureRate: values.ALERT_FAILURE_RATE,
    minFinished: values.ALERT_MIN_FINISHED,
    oldestWaitingMs: values.ALERT_OLDEST_WAITING_MINUTES * MINUTE,
    pausedMs: values.ALERT_PAUSED_MINUTES * MINUTE,
    noWorkerMs: values.ALERT_NO_WORKER_MINUTES * MINUTE,
  };
}

/** What the rules look at for one queue. */
export interface QueueSnapshot {
  queue: QueueKey;
  /** Jobs ready to run (waiting + prioritized). */
  waiting: number;
  isPaused: boolean;
  /** Live worker processes serving the queue. */
  workers: number;
  /** Jobs that completed, and that failed for good, over the last FAILURE_WINDOW_MINUTES. */
  completedRecently: number;
  failedRecently: number;
  /** Epoch ms of the oldest waiting job's creation; null when nothing waits. */
  oldestWaitingAt: number | null;
}

/** The numbers behind an alert, shown in the notification and the alert strip. */
export interface AlertFigures {
  waiting: number;
  workers: number;
  /** failure-rate only */
  failed?: number;
  finished?: number;
  failureRate?: number;
  windowMinutes?: number;
  /** oldest-waiting only: epoch ms */
  oldestWaitingAt?: number;
}

export interface AlertCondition {
  rule: AlertRule;
  queue: QueueKey;
  figures: AlertFigures;
  /**
   * How long the condition must hold before the alert fires. Conditions whose figures carry their
   * own duration (the oldest job's age, a rate over 15 min) fire at once; "no worker" and "paused"
   * are observed states, so the evaluator times them.
   */
  holdMs: number;
}

/** The conditions that hold for one queue now. */
export function checkQueue(snapshot: QueueSnapshot, thresholds: AlertThresholds, now: number): AlertCondition[] {
  const { queue, waiting, workers } = snapshot;
  const base = { waiting, workers };
  const conditions: AlertCondition[] = [];
  if (waiting > 0 && workers === 0) {
    conditions.push({ rule: "no-worker", queue, figures: base, holdMs: thresholds.noWorkerMs });
  }
  const finished = snapshot.completedRecently + snapshot.failedRecently;
  if (finished > 0 && finished >= thresholds.minFinished) {
    const rate = snapshot.failedRecently / finished;
    if (rate >= thresholds.failureRate) {
      conditions.push({
        rule: "failure-rate",
        queue,
        figures: { ...base, failed: snapshot.failedRecently, finished, failureRate: rate, windowMinutes: FAILURE_WINDOW_MINUTES },
        holdMs: 0,
      });
    }
  }
  // A paused queue is expected to hold its jobs back; the paused rule speaks for it instead.
  if (!snapshot.isPaused && waiting > 0 && snapshot.oldestWaitingAt !== null && now - snapshot.oldestWaitingAt >= thresholds.oldestWaitingMs) {
    conditions.push({ rule: "oldest-waiting", queue, figures: { ...base, oldestWaitingAt: snapshot.oldestWaitingAt }, holdMs: 0 });
  }
  if (snapshot.isPaused) {
    conditions.push({ rule: "paused-too-long", queue, figures: base, holdMs: thresholds.pausedMs });
  }
  return conditions;
}

/** One queue+rule as the evaluator remembers it between runs (stored in Redis as JSON). */
export interface AlertState {
  rule: AlertRule;
  queue: QueueKey;
  /** Epoch ms since which the condition has held without a break. */
  pendingSince: number;
  /** Epoch ms the alert fired; null while the condition has not held long enough. */
  firingSince: number | null;
  /** The latest figures. */
  figures: AlertFigures;
}

export function alertId(queue: QueueKey, rule: AlertRule): string {
  return `${queue}:${rule}`;
}

export interface AlertTransitions {
  /** Every state to keep (pending or firing), by alertId. */
  states: Map<string, AlertState>;
  /** Alerts that went from OK (or pending) to firing in this evaluation. */
  fired: AlertState[];
  /** Alerts that were firing and whose condition no longer holds. */
  resolved: AlertState[];
}

/**
 * Moves every alert one evaluation on. An alert fires once, on the transition to firing, and
 * resolves once, when its condition stops holding; while it keeps firing nothing new is reported,
 * however often this runs. A condition that stops holding before it fired is simply forgotten.
 */
export function nextAlertStates(previous: ReadonlyMap<string, AlertState>, conditions: readonly AlertCondition[], now: number): AlertTransitions {
  const states = new Map<string, AlertState>();
  const fired: AlertState[] = [];
  for (const condition of conditions) {
    const id = alertId(condition.queue, condition.rule);
    const before = previous.get(id);
    const pendingSince = before?.pendingSince ?? now;
    let firingSince = before?.firingSince ?? null;
    if (firingSince === null && now - pendingSince >= condition.holdMs) firingSince = now;
    const state: AlertState = { rule: condition.rule, queue: condition.queue, pendingSince, firingSince, figures: condition.figures };
    states.set(id, state);
    if (firingSince !== null && before?.firingSince == null) fired.push(state);
  }
  const resolved = [...previous.entries()].filter(([id, state]) => state.firingSince !== null && !states.has(id)).map(([, state]) => state);
  return { states, fired, resolved };
}
