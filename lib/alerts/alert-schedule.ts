import { scheduleMaintenanceJob } from "../bulk-actions/maintenance-queue";
import type { RedisClient } from "../redis";

/** Alerts are evaluated by one cluster-wide scheduler on the maintenance queue (see scheduleMaintenanceJob). */
export const ALERT_SCHEDULER_ID = "queue-alerts";
export const ALERT_EVALUATION_JOB = "evaluate-alerts";

/** Evaluation jobs carry nothing: each reads the live figures when it runs. */
export type AlertEvaluationJobData = Record<string, never>;

export function scheduleAlertEvaluation(connection: RedisClient, prefix: string, everyMs: number): Promise<void> {
  return scheduleMaintenanceJob(connection, prefix, { id: ALERT_SCHEDULER_ID, name: ALERT_EVALUATION_JOB, everyMs });
}
