import { isQueueKey, type QueueKey } from "../jobs/queue-keys";

/**
 * Alert notifications live in the Notification table, which links rows to jobs only (jobId). The
 * queue an alert is about is carried in the row's id instead (`queue-alert:<queue>:<uuid>`), so
 * the bell can link to the queue without a schema change. Client-safe: no server imports.
 */
export const ALERT_NOTIFICATION_KINDS = ["queue.alert", "queue.alert-resolved"] as const;
export type AlertNotificationKind = (typeof ALERT_NOTIFICATION_KINDS)[number];

const ID_PREFIX = "queue-alert:";

export function isAlertNotificationKind(kind: string): kind is AlertNotificationKind {
  return (ALERT_NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

/** The id stem of an alert notification; the database appends a random part per recipient. */
export function alertNotificationIdStem(queue: QueueKey): string {
  return `${ID_PREFIX}${queue}:`;
}

/** The queue an alert notification is about, or null for any other notification. */
export function alertNotificationQueue(notification: { id: string; kind: string }): QueueKey | null {
  if (!isAlertNotificationKind(notification.kind) || !notification.id.startsWith(ID_PREFIX)) return null;
  const queue = notification.id.slice(ID_PREFIX.length).split(":")[0] ?? "";
  return isQueueKey(queue) ? queue : null;
}

export function queueHref(queue: QueueKey): string {
  return `/queues/${queue}`;
}
