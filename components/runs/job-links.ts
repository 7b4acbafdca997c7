import type { QueueKey } from "../api/types";

/** The app's page of one job (timeline, data, actions). */
export function jobHref(queue: QueueKey, jobId: string): string {
  return `/queues/${queue}/jobs/${encodeURIComponent(jobId)}`;
}

/** Where a planner looks at a job's outcome: a forecast's chart, else the job page. */
export function resultHref(queue: QueueKey, jobId: string): string {
  return queue === "forecast" ? `/forecasts?job=${encodeURIComponent(jobId)}` : jobHref(queue, jobId);
}
