import type { JobState } from "./api/types";
import { Badge, type BadgeTone } from "./ui/badge";

const STATES: Record<string, { label: string; tone: BadgeTone }> = {
  waiting: { label: "Queued", tone: "neutral" },
  prioritized: { label: "Queued", tone: "neutral" },
  "waiting-children": { label: "Waiting", tone: "neutral" },
  delayed: { label: "Delayed", tone: "warning" },
  active: { label: "Running", tone: "info" },
  completed: { label: "Completed", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
  // The ledger reconciler found the job gone from Redis before its outcome reached the ledger.
  lost: { label: "Lost", tone: "danger" },
};

/** A job's state in words a planner uses; a delayed job with a failure is retrying, not idle. */
export function JobStateBadge({ state, retrying = false }: { state: JobState; retrying?: boolean }) {
  const entry = state === "delayed" && retrying ? { label: "Retrying", tone: "warning" as const } : (STATES[state] ?? { label: state, tone: "neutral" as const });
  return <Badge tone={entry.tone}>{entry.label}</Badge>;
}
