import type { AlertRule, AlertState, AlertThresholds } from "./rules";

/** The words of an alert, for the bell and the alert strip. Pure: the label and clock come in. */

export const RULE_LABELS: Record<AlertRule, string> = {
  "no-worker": "No worker",
  "failure-rate": "Failure rate",
  "oldest-waiting": "Jobs not moving",
  "paused-too-long": "Paused too long",
};

/** "45 s", "3 min", "2 h 5 min": whole minutes once past one. */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${Math.round(safe / 1000)} s`;
  const minutes = Math.floor(safe / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

const percent = (rate: number) => `${Math.round(rate * 100)}%`;
const jobs = (count: number) => `${count} ${count === 1 ? "job" : "jobs"}`;
/** UTC, 24-hour, zone named, as every page shows times. */
const utcTime = (at: number) => `${new Date(at).toISOString().slice(11, 16)} UTC`;

/** Title and body of the notification sent when an alert fires. */
export function describeFiring(state: AlertState, label: string, thresholds: AlertThresholds, now: number): { title: string; body: string } {
  const { figures } = state;
  switch (state.rule) {
    case "no-worker": {
      const held = now - state.pendingSince;
      const title = `${label}: ${jobs(figures.waiting)} waiting, ${held >= 60_000 ? `no worker for ${formatDuration(held)}` : "no worker serving it"}`;
      return {
        title,
        body: `${jobs(figures.waiting)} ${figures.waiting === 1 ? "is" : "are"} waiting and no live worker process serves the ${state.queue} queue. Start a worker that serves it (WORKER_QUEUES unset or including "${state.queue}"), or check the Workers panel for one that stopped.`,
      };
    }
    case "failure-rate": {
      const rate = figures.failureRate ?? 0;
      return {
        title: `${label}: ${percent(rate)} of jobs failed in the last ${figures.windowMinutes ?? 15} min`,
        body: `${figures.failed ?? 0} of ${figures.finished ?? 0} jobs that finished in the last ${figures.windowMinutes ?? 15} minutes failed their last attempt (alert at ${percent(thresholds.failureRate)}). Open the failed-jobs desk to see the failure groups, and retry them once the cause is fixed.`,
      };
    }
    case "oldest-waiting": {
      const age = now - (figures.oldestWaitingAt ?? now);
      return {
        title: `${label}: oldest job waiting ${formatDuration(age)}`,
        body: `${jobs(figures.waiting)} waiting; the oldest was created ${formatDuration(age)} ago and the queue is not paused. ${figures.workers === 0 ? "No worker serves it." : `${figures.workers} worker ${figures.workers === 1 ? "process serves" : "processes serve"} it.`} Add workers or concurrency, or look for a job that holds the queue up.`,
      };
    }
    case "paused-too-long": {
      const held = now - state.pendingSince;
      return {
        title: `${label}: paused for ${formatDuration(held)}`,
        body: `The queue has been paused since ${utcTime(state.pendingSince)} with ${jobs(figures.waiting)} waiting. Resume it on the queue page if the pause is over.`,
      };
    }
  }
}

const RESOLVED_TEXT: Record<AlertRule, string> = {
  "no-worker": "a worker serves it again",
  "failure-rate": "failure rate back to normal",
  "oldest-waiting": "waiting jobs are moving again",
  "paused-too-long": "resumed",
};

/** Title and body of the notification sent when a firing alert's condition no longer holds. */
export function describeResolved(state: AlertState, label: string, now: number): { title: string; body: string } {
  const since = state.firingSince ?? state.pendingSince;
  return {
    title: `Resolved: ${label}: ${RESOLVED_TEXT[state.rule]}`,
    body: `The "${RULE_LABELS[state.rule]}" alert fired at ${utcTime(since)} and lasted ${formatDuration(now - since)}.`,
  };
}
