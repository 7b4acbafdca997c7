import type { JobStatus, ProgressStep } from "../api/types";

export type StepState = "done" | "current" | "failed" | "pending";

/**
 * Where each step stands. A processor reports a step when it starts it, so the reported one is
 * in progress and the ones before it are done; a message that names no step (a retry notice)
 * falls back to the percentage.
 */
export function stepStates(steps: readonly ProgressStep[], job: Pick<JobStatus, "state" | "progress" | "progressMessage">): StepState[] {
  if (job.state === "completed") return steps.map(() => "done");
  let reached = steps.findIndex((step) => step.message === job.progressMessage);
  if (reached === -1) reached = steps.findLastIndex((step) => step.percent <= job.progress && job.progress > 0);
  const stopped = job.state === "failed" || job.state === "cancelled" || job.state === "lost";
  return steps.map((_, index) => (index < reached ? "done" : index === reached ? (stopped ? "failed" : "current") : "pending"));
}
