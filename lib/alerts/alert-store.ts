import type { Env } from "../env";
import { isQueueKey, queueDefinition, type QueueKey } from "../jobs/catalog";
import { describeFiring, RULE_LABELS } from "./describe-alert";
import { ALERT_RULES, thresholdsFromEnv, type AlertFigures, type AlertRule, type AlertState, type AlertThresholds } from "./rules";
import type { RedisClient } from "../redis";

/**
 * Where alert state lives: one Redis hash under the app's hash-tagged prefix (queue+rule → JSON
 * state), written only by the evaluator, read by the API. Small (at most 7 × 4 fields).
 */
export function alertsStateKey(prefix: string): string {
  return `${prefix}:alerts:state`;
}

export function alertsLockKey(prefix: string): string {
  return `${prefix}:alerts:lock`;
}

/** Epoch ms of the last finished evaluation, so the UI can tell when nobody evaluates. */
export function alertsEvaluatedKey(prefix: string): string {
  return `${prefix}:alerts:evaluated-at`;
}

function parseState(value: string): AlertState | null {
  try {
    const state = JSON.parse(value) as AlertState;
    if (!isQueueKey(state.queue) || !(ALERT_RULES as readonly string[]).includes(state.rule) || typeof state.pendingSince !== "number") return null;
    return state;
  } catch {
    return null;
  }
}

/** Every remembered alert (pending or firing), by id; unreadable entries are dropped. */
export async function readAlertStates(redis: RedisClient, prefix: string): Promise<Map<string, AlertState>> {
  const hash = await redis.hgetall(alertsStateKey(prefix));
  const states = new Map<string, AlertState>();
  for (const [id, value] of Object.entries(hash)) {
    const state = parseState(value);
    if (state) states.set(id, state);
  }
  return states;
}

export interface FiringAlertView {
  id: string;
  rule: AlertRule;
  ruleLabel: string;
  queue: QueueKey;
  queueLabel: string;
  /** When the alert fired, ISO. */
  since: string;
  /** When its condition started to hold, ISO (earlier than `since` for timed rules). */
  conditionSince: string;
  title: string;
  body: string;
  figures: AlertFigures;
}

export interface AlertsView {
  alerts: FiringAlertView[];
  /** When alerts were last evaluated, ISO; null when never (no worker process has run the evaluation). */
  evaluatedAt: string | null;
  /** How often the evaluation is scheduled, so a client can tell a stale `evaluatedAt`. */
  evaluateEveryMs: number;
}

/** The alerts firing now, oldest first, as the last evaluation left them. */
export async function readFiringAlerts(
  redis: RedisClient,
  prefix: string,
  { thresholds, evaluateEveryMs, now = Date.now() }: { thresholds: AlertThresholds; evaluateEveryMs: number; now?: number },
): Promise<AlertsView> {
  const [states, evaluatedAt] = await Promise.all([readAlertStates(redis, prefix), redis.get(alertsEvaluatedKey(prefix))]);
  const alerts = [...states.entries()]
    .filter(([, state]) => state.firingSince !== null)
    .sort(([, a], [, b]) => a.firingSince! - b.firingSince! || a.queue.localeCompare(b.queue))
    .map(([id, state]) => {
      const label = queueDefinition(state.queue).label;
      const text = describeFiring(state, label, thresholds, now);
      return {
        id,
        rule: state.rule,
        ruleLabel: RULE_LABELS[state.rule],
        queue: state.queue,
        queueLabel: label,
        since: new Date(state.firingSince!).toISOString(),
        conditionSince: new Date(state.pendingSince).toISOString(),
        title: text.title,
        body: text.body,
        figures: state.figures,
      };
    });
  const evaluated = evaluatedAt === null ? NaN : Number(evaluatedAt);
  return { alerts, evaluatedAt: Number.isFinite(evaluated) ? new Date(evaluated).toISOString() : null, evaluateEveryMs };
}

/** The firing alerts as the API answers them, with thresholds and schedule from the environment. */
export async function currentAlerts({ redis, prefix, config }: { redis: RedisClient; prefix: string; config: Env }): Promise<AlertsView> {
  return readFiringAlerts(redis, prefix, { thresholds: thresholdsFromEnv(config), evaluateEveryMs: config.ALERT_EVALUATE_EVERY_SECONDS * 1000 });
}
