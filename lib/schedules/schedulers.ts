import type { Queue } from "bullmq";
import { SCHEDULE_TICK_JOB, type MaintenanceQueueData } from "../bulk-actions/maintenance-queue";
import type { Db } from "../db";
import type { Schedule } from "../generated/prisma/client";

/**
 * The Redis side of schedules: one BullMQ job scheduler per active schedule on the maintenance
 * queue. BullMQ keeps exactly one next tick per scheduler, so however many worker processes serve
 * the queue, each tick runs once; the tick job carries only the schedule's id and the tick handler
 * reads the row (lib/schedules/run-schedule-tick.ts), so an edit never leaves stale job data in
 * Redis. The table is the system of record: `reconcileSchedulers` makes Redis match it.
 */
export type SchedulerQueue = Queue<MaintenanceQueueData>;

const SCHEDULER_PREFIX = "schedule:";

/** The scheduler's id; its tick jobs' ids are `repeat:<scheduler id>:<due time in ms>`. */
export function schedulerId(scheduleId: string): string {
  return `${SCHEDULER_PREFIX}${scheduleId}`;
}

type Timed = Pick<Schedule, "id" | "cron" | "everyMs" | "timezone">;

function repeatOptions(schedule: Timed): { pattern: string; tz: string } | { every: number } {
  if (schedule.cron !== null) return { pattern: schedule.cron, tz: schedule.timezone };
  return { every: schedule.everyMs! };
}

/**
 * Creates the schedule's scheduler or replaces its timing. A tick is cheap to repeat (it enqueues
 * through an idempotency key), so it may retry a moment later when PostgreSQL or Redis blinked.
 */
export async function upsertScheduler(queue: SchedulerQueue, schedule: Timed): Promise<void> {
  await queue.upsertJobScheduler(schedulerId(schedule.id), repeatOptions(schedule), {
    name: SCHEDULE_TICK_JOB,
    data: { scheduleId: schedule.id },
    opts: { attempts: 3, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: { count: 50 }, removeOnFail: { count: 200 } },
  });
}

export async function removeScheduler(queue: SchedulerQueue, scheduleId: string): Promise<void> {
  await queue.removeJobScheduler(schedulerId(scheduleId));
}

/** The next tick BullMQ holds for each schedule that has a scheduler, in ms since the epoch. */
export async function schedulerNextTicks(queue: SchedulerQueue): Promise<Map<string, number | undefined>> {
  const schedulers = await queue.getJobSchedulers(0, -1, true);
  const ticks = new Map<string, number | undefined>();
  for (const scheduler of schedulers) {
    const id = scheduler.key.startsWith(SCHEDULER_PREFIX) ? scheduler.key.slice(SCHEDULER_PREFIX.length) : undefined;
    if (id) ticks.set(id, scheduler.next);
  }
  return ticks;
}

/**
 * Makes the maintenance queue's schedulers match the table: a scheduler for every active schedule
 * whose timing Redis does not hold as saved (Redis flushed, or an edit while no worker or Redis
 * was up), none for a paused or deleted one. Schedulers already right are left alone, so a worker
 * starting does not move anybody's next tick. Safe to run in several processes at once: upserts
 * and removals of the same id converge.
 */
export async function reconcileSchedulers(db: Db, queue: SchedulerQueue): Promise<{ upserted: number; removed: number }> {
  // Redis first, then the table: a schedule created meanwhile (row first, then its scheduler) is
  // then either in both or in neither, never a scheduler without its row that this would remove.
  const schedulers = await queue.getJobSchedulers(0, -1, true);
  const schedules = await db.schedule.findMany({ select: { id: true, cron: true, everyMs: true, timezone: true, paused: true } });
  const inRedis = new Map(schedulers.filter((scheduler) => scheduler.key.startsWith(SCHEDULER_PREFIX)).map((scheduler) => [scheduler.key, scheduler]));
  let upserted = 0;
  let removed = 0;
  for (const schedule of schedules) {
    const held = inRedis.get(schedulerId(schedule.id));
    inRedis.delete(schedulerId(schedule.id));
    if (schedule.paused) {
      if (held) {
        await removeScheduler(queue, schedule.id);
        removed++;
      }
      continue;
    }
    const matches = held && (schedule.cron !== null ? held.pattern === schedule.cron && held.tz === schedule.timezone : Number(held.every) === schedule.everyMs);
    if (!matches) {
      await upsertScheduler(queue, schedule);
      upserted++;
    }
  }
  for (const key of inRedis.keys()) {
    await queue.removeJobScheduler(key);
    removed++;
  }
  return { upserted, removed };
}
