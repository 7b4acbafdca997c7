import { resultLink } from "@/lib/jobs/result-link";
import type { QueueKey } from "../api/types";

/** The app's page of one job (timeline, data, actions). */
export function jobHref(queue: QueueKey, jobId: string): string {
  return `/queues/${queue}/jobs/${encodeURIComponent(jobId)}`;
}

/** Where a planner looks at a job's outcome: its queue's result page (see the catalogue's resultHref), else the job page. */
export function resultHref(queue: QueueKey, jobId: string, result?: unknown): string {
  return resultLink(queue, jobId, result)?.href ?? jobHref(queue, jobId);
}
