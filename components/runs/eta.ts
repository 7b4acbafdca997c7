import type { RunEta, RunListItem } from "../api/types";

/** Rounded for people: "40 s", "2 min", "1 h 10 min". An ETA is never precise to the second. */
export function roughDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds < 10 ? seconds : Math.round(seconds / 5) * 5} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

export interface EtaText {
  /** Short text for the row. */
  label: string;
  /** How the estimate was made, for a tooltip and screen readers. */
  explanation: string;
}

function basisText(eta: RunEta): string {
  const runs = `${eta.samples} completed run${eta.samples === 1 ? "" : "s"}`;
  return eta.basis === "name" ? `median of the last ${runs} of this job` : `median of the last ${runs} in this queue (this job has too few of its own)`;
}

/**
 * What to say about when a run will be done. A running job counts down from its start; a waiting
 * one only gets its expected run time, because when a worker takes it is not known.
 */
export function etaText(job: Pick<RunListItem, "state" | "eta" | "startedAt" | "finishedAt">, now: number): EtaText | null {
  if (job.state === "completed" || job.state === "failed" || job.state === "cancelled" || job.state === "lost") {
    if (!job.startedAt || !job.finishedAt) return null;
    const took = Date.parse(job.finishedAt) - Date.parse(job.startedAt);
    return took >= 0 ? { label: `took ${roughDuration(took)}`, explanation: `Ran for ${roughDuration(took)}` } : null;
  }
  const eta = job.eta;
  if (!eta) {
    return { label: "no estimate yet", explanation: "No estimate: too few completed runs of this kind to go by" };
  }
  if (job.state === "active") {
    const started = job.startedAt ? Date.parse(job.startedAt) : now;
    const remaining = eta.expectedMs - Math.max(0, now - started);
    if (remaining <= 0) {
      return { label: "any moment (longer than usual)", explanation: `Running longer than the usual ${roughDuration(eta.expectedMs)} (${basisText(eta)})` };
    }
    return { label: `~${roughDuration(remaining)} left`, explanation: `About ${roughDuration(remaining)} left: usual run time ${roughDuration(eta.expectedMs)}, ${basisText(eta)}` };
  }
  return {
    label: `~${roughDuration(eta.expectedMs)} once started`,
    explanation: `Takes about ${roughDuration(eta.expectedMs)} once a worker picks it up (${basisText(eta)}); when that happens depends on the queue`,
  };
}
