import type { JobState } from "../generated/prisma/client";

/**
 * A job state as lists filter by it; "waiting" covers the ledger's WAITING and PRIORITIZED. Apart
 * from job-status so the catalogue (export filters) can name them without importing the read side.
 */
export const RUN_STATE_FILTERS = ["waiting", "active", "delayed", "completed", "failed", "cancelled", "lost"] as const;
export type RunStateFilter = (typeof RUN_STATE_FILTERS)[number];

/** The ledger states each filter stands for. */
export const LEDGER_STATES: Record<RunStateFilter, JobState[]> = {
  waiting: ["WAITING", "PRIORITIZED"],
  active: ["ACTIVE"],
  delayed: ["DELAYED"],
  completed: ["COMPLETED"],
  failed: ["FAILED"],
  cancelled: ["CANCELLED"],
  lost: ["LOST"],
};
