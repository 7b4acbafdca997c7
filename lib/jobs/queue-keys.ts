/** The seven queues; kept apart from the catalogue so env parsing does not pull in every schema. */
export const QUEUE_KEYS = [
  "forecast",
  "optimization",
  "sync",
  "import",
  "export",
  "notification",
  "analytics",
] as const;

export type QueueKey = (typeof QUEUE_KEYS)[number];

export function isQueueKey(value: string): value is QueueKey {
  return (QUEUE_KEYS as readonly string[]).includes(value);
}
