import { queueDefinition, type QueueKey } from "./catalog";

/** Where a completed run's outcome is shown, and the words of the link; from the queue's catalogue entry. */
export interface ResultLink {
  href: string;
  label: string;
}

/**
 * The result link of a run, or null when its queue shows results on the job page itself, or when
 * `result` is not (yet) the queue's documented result: a live job:complete event may carry only a
 * summary, and the link follows once the run is re-read. Pure catalogue: usable in the browser.
 */
export function resultLink(queue: QueueKey, jobId: string, result: unknown): ResultLink | null {
  const definition = queueDefinition(queue);
  if (!definition.resultHref || !definition.resultLabel || result === null || result === undefined) return null;
  const parsed = definition.result.safeParse(result);
  return parsed.success ? { href: definition.resultHref(jobId, parsed.data), label: definition.resultLabel } : null;
}
