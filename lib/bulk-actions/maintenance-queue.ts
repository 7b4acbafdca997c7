import { Queue, type JobsOptions } from "bullmq";
import { env } from "../env";
import { type RedisClient, sharedRedis } from "../redis";

/**
 * The system queue that runs bulk actions in the worker process. It is not one of the seven
 * catalogue queues (no payload schema, no roles, not on the dashboard): only this module adds to
 * it, and worker/maintenance serves it. Same hash-tagged prefix as the others.
 */
export const MAINTENANCE_QUEUE = "maintenance-queue";
export const BULK_ACTION_JOB = "bulk-action";

export interface BulkActionJobData {
  bulkActionId: string;
}

/** One tick of a schedule (lib/schedules): the job names only the schedule, read when the tick runs. */
export const SCHEDULE_TICK_JOB = "schedule-tick";
export interface ScheduleTickJobData {
  scheduleId: string;
}

/** What the web process adds to the maintenance queue. */
export type MaintenanceQueueData = BulkActionJobData | ScheduleTickJobData;

/**
 * A bulk action resumes from its saved position, so BullMQ may run it again after a worker crash
 * (stalled) or an error (Redis or PostgreSQL away for a moment) without repeating work.
 */
export const MAINTENANCE_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export function createMaintenanceQueue(connection: RedisClient, prefix: string): Queue<MaintenanceQueueData> {
  const queue = new Queue<MaintenanceQueueData>(MAINTENANCE_QUEUE, { connection, prefix, defaultJobOptions: MAINTENANCE_JOB_OPTIONS });
  queue.on("error", () => {});
  return queue;
}

const globalQueue = globalThis as unknown as { __capliquifyMaintenanceQueue?: Queue<MaintenanceQueueData> };

/** The web process's producer for the maintenance queue (lazy, on globalThis like the others). */
export function maintenanceQueue(): Queue<MaintenanceQueueData> {
  globalQueue.__capliquifyMaintenanceQueue ??= createMaintenanceQueue(sharedRedis("producer"), env().REDIS_PREFIX);
  return globalQueue.__capliquifyMaintenanceQueue;
}

export async function closeMaintenanceQueue(): Promise<void> {
  const queue = globalQueue.__capliquifyMaintenanceQueue;
  globalQueue.__capliquifyMaintenanceQueue = undefined;
  await queue?.close();
}

/**
 * A recurring maintenance job for the whole cluster: a BullMQ job scheduler upserted under one id
 * (every worker process upserting it keeps one), so each interval one job runs in whichever worker
 * process takes it, never one per process. A missed run is replaced by the next one: no retries,
 * and only a short tail of runs is kept.
 */
export async function scheduleMaintenanceJob(connection: RedisClient, prefix: string, schedule: { id: string; name: string; everyMs: number }): Promise<void> {
  const queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
  queue.on("error", () => {});
  try {
    await queue.upsertJobScheduler(
      schedule.id,
      { every: schedule.everyMs },
      { name: schedule.name, data: {}, opts: { attempts: 1, removeOnComplete: { count: 20 }, removeOnFail: { count: 100 } } },
    );
  } finally {
    await queue.close();
  }
}

/** Hands a bulk action to the worker; the job id is the action's id, so enqueueing twice adds it once. */
export async function enqueueBulkAction(bulkActionId: string, queue: Queue<MaintenanceQueueData> = maintenanceQueue()): Promise<void> {
  await queue.add(BULK_ACTION_JOB, { bulkActionId }, { jobId: bulkActionId });
}
