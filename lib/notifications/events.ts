/**
 * The platform's own events that reach users, each with the label the settings page shows. The
 * queue's payload names one of them (`event`); preferences are kept per event and channel.
 */
export const NOTIFICATION_EVENTS = ["job-finished", "job-failed", "queue-alert", "report-ready", "import-report"] as const;

export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_EVENT_LABELS: Record<NotificationEvent, string> = {
  "job-finished": "A job of mine finished",
  "job-failed": "A job of mine failed",
  "queue-alert": "Queue alerts (admins)",
  "report-ready": "A report is ready",
  "import-report": "An import finished",
};

export function isNotificationEvent(value: unknown): value is NotificationEvent {
  return typeof value === "string" && (NOTIFICATION_EVENTS as readonly string[]).includes(value);
}
