import type { JobStatus, ProgressStep } from "../api/types";
import { cx } from "../ui/cx";
import { stepStates, type StepState } from "./step-states";

const STATE_TEXT: Record<StepState, string> = { done: "done", current: "in progress", failed: "stopped here", pending: "not started" };

/** The queue's progress steps from the catalogue, each marked done, in progress or not started. */
export function RunSteps({ steps, job }: { steps: readonly ProgressStep[]; job: Pick<JobStatus, "state" | "progress" | "progressMessage"> }) {
  const states = stepStates(steps, job);
  return (
    <ol className="gap-x-6 text-sm sm:columns-2" aria-label="Steps" data-testid="run-steps">
      {steps.map((step, index) => {
        const state = states[index]!;
        return (
          <li key={step.message} className="flex break-inside-avoid items-center gap-2 py-0.5" data-state={state} aria-current={state === "current" ? "step" : undefined}>
            <StepIcon state={state} />
            <span
              className={cx(
                state === "pending" ? "text-slate-500 dark:text-slate-400" : "text-slate-900 dark:text-slate-100",
                state === "current" && "font-medium",
                state === "failed" && "font-medium text-red-700 dark:text-red-400",
              )}
            >
              {step.message}
            </span>
            <span className="sr-only">, {STATE_TEXT[state]}</span>
          </li>
        );
      })}
    </ol>
  );
}

function StepIcon({ state }: { state: StepState }) {
  if (state === "done") {
    return (
      <svg aria-hidden viewBox="0 0 20 20" className="size-4 shrink-0 text-emerald-600 dark:text-emerald-400" fill="currentColor">
        <path fillRule="evenodd" d="M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm3.7-9.3a1 1 0 0 0-1.4-1.4L9 10.6 7.7 9.3a1 1 0 0 0-1.4 1.4l2 2a1 1 0 0 0 1.4 0l4-4Z" clipRule="evenodd" />
      </svg>
    );
  }
  if (state === "failed") {
    return (
      <svg aria-hidden viewBox="0 0 20 20" className="size-4 shrink-0 text-red-600 dark:text-red-400" fill="currentColor">
        <path fillRule="evenodd" d="M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16ZM8.7 7.3a1 1 0 0 0-1.4 1.4L8.6 10l-1.3 1.3a1 1 0 1 0 1.4 1.4l1.3-1.3 1.3 1.3a1 1 0 0 0 1.4-1.4L11.4 10l1.3-1.3a1 1 0 0 0-1.4-1.4L10 8.6 8.7 7.3Z" clipRule="evenodd" />
      </svg>
    );
  }
  return (
    <span aria-hidden className="flex size-4 shrink-0 items-center justify-center">
      <span
        className={cx(
          "size-2.5 rounded-full",
          state === "current" ? "animate-pulse bg-indigo-600 ring-4 ring-indigo-100 dark:bg-indigo-400 dark:ring-indigo-950" : "ring-1 ring-slate-300 ring-inset dark:ring-slate-600",
        )}
      />
    </span>
  );
}
