import type { QueueKey } from "../jobs/queue-keys";

/** Alert notifications live in the Notification table with a link to their queue. Client-safe: no server imports. */
export const ALERT_NOTIFICATION_KINDS = ["queue.alert", "queue.alert-resolved"] as const;
export type AlertNotificationKind = (typeof ALERT_NOTIFICATION_KINDS)[number];

export function queueHref(queue: QueueKey): string {
  return `/queues/${queue}`;
}
