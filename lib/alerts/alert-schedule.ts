import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { MAINTENANCE_QUEUE } from "../bulk-actions/maintenance-queue";

/**
 * Alerts are evaluated by a BullMQ job scheduler on the maintenance queue: one scheduler for the
 * cluster (upserting it from every worker process keeps one, under one id), so each interval one
 * job runs in whichever worker process takes it, never one per process.
 */
export const ALERT_SCHEDULER_ID = "queue-alerts";
export const ALERT_EVALUATION_JOB = "evaluate-alerts";

/** Evaluation jobs carry nothing: each reads the live figures when it runs. */
export type AlertEvaluationJobData = Record<string, never>;

export async function scheduleAlertEvaluation(connection: Redis, prefix: string, everyMs: number): Promise<void> {
  const queue = new Queue<AlertEvaluationJobData>(MAINTENANCE_QUEUE, { connection, prefix });
  queue.on("error", () => {});
  try {
    await queue.upsertJobScheduler(
      ALERT_SCHEDULER_ID,
      { every: everyMs },
      {
        name: ALERT_EVALUATION_JOB,
        data: {},
        // A missed evaluation is replaced by the next one a minute later: no retries, and keep only
        // a short tail of runs instead of a week of them (1,440 a day).
        opts: { attempts: 1, removeOnComplete: { count: 20 }, removeOnFail: { count: 100 } },
      },
    );
  } finally {
    await queue.close();
  }
}
