import { DelayedError, type Job, type Worker } from "bullmq";
import type { Logger } from "pino";
import { ALERT_EVALUATION_JOB, scheduleAlertEvaluation, type AlertEvaluationJobData } from "../../lib/alerts/alert-schedule";
import { evaluateAlerts } from "../../lib/alerts/evaluate-alerts";
import { thresholdsFromEnv, type AlertThresholds } from "../../lib/alerts/rules";
import {
  BULK_ACTION_JOB,
  createMaintenanceQueue,
  MAINTENANCE_QUEUE,
  SCHEDULE_TICK_JOB,
  scheduleMaintenanceJob,
  type BulkActionJobData,
  type ScheduleTickJobData,
} from "../../lib/bulk-actions/maintenance-queue";
import { failBulkAction, runBulkAction } from "../../lib/bulk-actions/run-bulk-action";
import type { Db } from "../../lib/db";
import { env } from "../../lib/env";
import { fingerprintLegacyFailures } from "../../lib/failures/failure-groups";
import { QueueManager } from "../../lib/jobs/queue-manager";
import { reconcileLedger } from "../../lib/jobs/reconcile-ledger";
import { deleteExpiredExports } from "../../lib/exports/export-store";
import { pruneHistory, type RetentionPolicy } from "../../lib/retention/prune-history";
import { deleteExpiredUploads } from "../../lib/uploads/upload-store";
import { runScheduleTick } from "../../lib/schedules/run-schedule-tick";
import { reconcileSchedulers, type SchedulerQueue } from "../../lib/schedules/schedulers";
import { closeQueueWorkers, createQueueWorker } from "../queue-worker";
import type { RedisClient } from "../../lib/redis";

export interface MaintenanceWorkerOptions {
  db: Db;
  /** Creates a Redis connection (maxRetriesPerRequest: null); called twice (BullMQ worker, queue operations). */
  createConnection: () => RedisClient;
  prefix: string;
  logger: Logger;
  /** Jobs per batch of a bulk action. @defaultValue 500 */
  batchSize?: number;
  /** BullMQ lock and stalled-check timings; tests shorten them. @defaultValue BullMQ's (30 s) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * How long stop() waits for a running action to reach the end of its batch; past it the action is
   * left to stall, and another worker resumes it. @defaultValue WORKER_SHUTDOWN_TIMEOUT
   */
  shutdownTimeoutMs?: number;
  /** Called after each batch of a bulk action (awaited), e.g. for metrics; tests use it to pause a run mid-way. */
  onProgress?: (bulkActionId: string, progress: { done: number; skipped: number; failed: number; total: number }) => void | Promise<void>;
  /** Fingerprint failures recorded before fingerprints existed, once at start. @defaultValue true */
  backfillFingerprints?: boolean;
  /**
   * Queue alerts: the cluster-wide evaluation schedule (upserted at start) and the rules'
   * thresholds; false leaves the schedule alone (tests that do not want admins notified).
   * @defaultValue every ALERT_EVALUATE_EVERY_SECONDS, thresholds from the ALERT_* variables
   */
  alerts?: { everyMs?: number; thresholds?: AlertThresholds } | false;
  /**
   * The prune of old notifications and timeline events: its cluster-wide schedule (upserted at
   * start) and policy; false leaves the schedule alone.
   * @defaultValue hourly, NOTIFICATION_RETENTION_DAYS and TIMELINE_RETENTION_DAYS
   */
  retention?: { everyMs?: number; policy?: RetentionPolicy } | false;
  /**
   * The ledger reconciler (lib/jobs/reconcile-ledger.ts): its cluster-wide schedule (upserted at
   * start) and grace period; false leaves the schedule alone.
   * @defaultValue every LEDGER_RECONCILE_EVERY_SECONDS, grace LEDGER_RECONCILE_GRACE_SECONDS
   */
  reconcile?: { everyMs?: number; graceMs?: number; batchSize?: number } | false;
  /**
   * Scheduled runs (lib/schedules): at start, make the queue's schedulers match the Schedule table
   * (Redis flushed, or schedules edited while no worker ran); false skips that. Ticks are served
   * either way. @defaultValue true
   */
  reconcileSchedules?: boolean;
}

export const RETENTION_SCHEDULER_ID = "history-retention";
export const PRUNE_HISTORY_JOB = "prune-history";
export const RECONCILE_SCHEDULER_ID = "ledger-reconcile";
export const RECONCILE_LEDGER_JOB = "reconcile-ledger";
const HOUR_MS = 3_600_000;

type MaintenanceJobData = BulkActionJobData | AlertEvaluationJobData | ScheduleTickJobData;

/**
 * Serves the maintenance queue in the worker process: bulk retries and removals of failed jobs,
 * and the once-a-minute queue alert evaluation (lib/alerts). One job at a time per process (each
 * already keeps Redis and PostgreSQL busy in batches). Built and shut down like the catalogue's
 * queues (worker/queue-worker.ts), but its jobs are internal: no ledger, no timeout (an action
 * runs as long as its batches take), no owner events. On shutdown a running action stops between
 * batches and goes back to the queue, to be resumed by whichever worker process takes it next.
 */
export class MaintenanceWorker {
  private worker: Worker<MaintenanceJobData> | undefined;
  private workerConnection: RedisClient | undefined;
  private readonly queues: QueueManager;
  private readonly queueConnection: RedisClient;
  private readonly schedulerQueue: SchedulerQueue;
  private stopping = false;
  private backfill: Promise<void> = Promise.resolve();

  constructor(private readonly options: MaintenanceWorkerOptions) {
    this.queueConnection = options.createConnection();
    this.queues = new QueueManager({ connection: this.queueConnection, prefix: options.prefix });
    this.schedulerQueue = createMaintenanceQueue(this.queueConnection, options.prefix);
  }

  async start(): Promise<void> {
    const { options } = this;
    this.worker = createQueueWorker<MaintenanceJobData>(MAINTENANCE_QUEUE, (job, token, signal) => this.process(job, token, signal), {
      connection: (this.workerConnection = options.createConnection()),
      prefix: options.prefix,
      db: options.db,
      logger: options.logger.child({ queue: MAINTENANCE_QUEUE }),
      concurrency: 1,
      // A crashed worker's action is picked up again by another; it resumes, so let it stall more than once.
      maxStalledCount: 5,
      lockDurationMs: options.lockDurationMs,
      stalledIntervalMs: options.stalledIntervalMs,
    });
    this.worker.on("failed", (job, error) => {
      if (!job || error instanceof DelayedError || error.name === "DelayedError") return;
      if (job.name === SCHEDULE_TICK_JOB) {
        options.logger.warn({ err: error, scheduleId: (job.data as ScheduleTickJobData).scheduleId, tick: job.id, attempt: job.attemptsMade }, "scheduled run could not start");
        return;
      }
      if (job.name === ALERT_EVALUATION_JOB || job.name === PRUNE_HISTORY_JOB || job.name === RECONCILE_LEDGER_JOB) {
        options.logger.warn({ err: error, job: job.name }, "scheduled maintenance failed; the next scheduled run tries again");
        return;
      }
      const { bulkActionId } = job.data as BulkActionJobData;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      options.logger.error({ err: error, bulkActionId, attempt: job.attemptsMade, final }, "bulk action attempt failed");
      if (final) void failBulkAction(bulkActionId, error.message, options.db).catch(() => {});
    });
    await this.worker.waitUntilReady();
    if (options.alerts !== false) {
      const everyMs = options.alerts?.everyMs ?? env().ALERT_EVALUATE_EVERY_SECONDS * 1000;
      await scheduleAlertEvaluation(this.queueConnection, options.prefix, everyMs);
    }
    if (options.retention !== false) {
      const everyMs = options.retention?.everyMs ?? HOUR_MS;
      await scheduleMaintenanceJob(this.queueConnection, options.prefix, { id: RETENTION_SCHEDULER_ID, name: PRUNE_HISTORY_JOB, everyMs });
    }
    if (options.reconcile !== false) {
      const everyMs = options.reconcile?.everyMs ?? env().LEDGER_RECONCILE_EVERY_SECONDS * 1000;
      await scheduleMaintenanceJob(this.queueConnection, options.prefix, { id: RECONCILE_SCHEDULER_ID, name: RECONCILE_LEDGER_JOB, everyMs });
    }
    if (options.reconcileSchedules !== false) {
      const outcome = await reconcileSchedulers(options.db, this.schedulerQueue).catch((error: unknown) => {
        options.logger.warn({ err: error }, "could not reconcile the schedules' job schedulers; the next worker start tries again");
      });
      if (outcome && outcome.upserted + outcome.removed > 0) options.logger.info({ ...outcome }, "reconciled the schedules' job schedulers with the Schedule table");
    }
    if (options.backfillFingerprints !== false) this.backfill = this.fingerprintOldFailures();
    options.logger.info({ queue: MAINTENANCE_QUEUE }, "maintenance worker started");
  }

  private async process(job: Job<MaintenanceJobData>, token: string | undefined, signal?: AbortSignal): Promise<unknown> {
    if (job.name === ALERT_EVALUATION_JOB) return this.evaluateAlerts();
    if (job.name === PRUNE_HISTORY_JOB) return this.pruneHistory();
    if (job.name === RECONCILE_LEDGER_JOB) return this.reconcileLedger();
    if (job.name === SCHEDULE_TICK_JOB) {
      const outcome = await runScheduleTick((job.data as ScheduleTickJobData).scheduleId, job.id!, {
        db: this.options.db,
        schedulerQueue: this.schedulerQueue,
        queues: this.queues,
        redis: this.queueConnection,
      });
      this.options.logger.info({ scheduleId: (job.data as ScheduleTickJobData).scheduleId, tick: job.id, ...outcome }, "schedule tick");
      return outcome;
    }
    if (job.name !== BULK_ACTION_JOB) throw new Error(`Unknown maintenance job "${job.name}"`);
    const { bulkActionId } = job.data as BulkActionJobData;
    const log = this.options.logger.child({ bulkActionId });
    log.info("bulk action started");
    const outcome = await runBulkAction(bulkActionId, {
      db: this.options.db,
      queues: this.queues,
      redis: this.queueConnection,
      batchSize: this.options.batchSize,
      // A lost lock means another worker may take the job over: stop between batches.
      shouldStop: () => this.stopping || Boolean(signal?.aborted),
      onBatch: async (progress) => {
        await job.updateProgress(progress).catch(() => {});
        await this.options.onProgress?.(bulkActionId, progress);
      },
    });
    if (outcome === "stopped") {
      if (signal?.aborted) throw new Error("lost the lock on the bulk action; another worker resumes it");
      // Back to the queue without using an attempt: the next worker resumes from the saved cursor.
      await job.moveToDelayed(Date.now() + 1_000, token);
      throw new DelayedError();
    }
    log.info({ outcome }, "bulk action finished");
    return { outcome };
  }

  private async evaluateAlerts(): Promise<unknown> {
    const alerts = this.options.alerts === false ? undefined : this.options.alerts;
    const outcome = await evaluateAlerts({
      redis: this.queueConnection,
      prefix: this.options.prefix,
      db: this.options.db,
      queues: this.queues,
      thresholds: alerts?.thresholds ?? thresholdsFromEnv(env()),
      logger: this.options.logger,
    });
    return { skipped: outcome.skipped, fired: outcome.fired.length, resolved: outcome.resolved.length, firing: outcome.firing.length };
  }

  private async pruneHistory(): Promise<unknown> {
    const retention = this.options.retention === false ? undefined : this.options.retention;
    const policy = retention?.policy ?? { notificationDays: env().NOTIFICATION_RETENTION_DAYS, timelineDays: env().TIMELINE_RETENTION_DAYS };
    const pruned = await pruneHistory(policy, { db: this.options.db });
    // Export files expire with the export queue's retention; their rows stay, marked deleted.
    const exportFiles = await deleteExpiredExports({ db: this.options.db });
    // Uploads expire with the import queue's retention; nothing refers to them after that, so file and row go.
    const uploads = await deleteExpiredUploads({ db: this.options.db });
    if (pruned.notifications + pruned.timelineEvents + exportFiles + uploads > 0) {
      this.options.logger.info({ ...pruned, exportFiles, uploads }, "pruned old notifications, timeline events, expired export files and uploads");
    }
    return { ...pruned, exportFiles, uploads };
  }

  private async reconcileLedger(): Promise<unknown> {
    const reconcile = this.options.reconcile === false ? undefined : this.options.reconcile;
    const outcome = await reconcileLedger({
      db: this.options.db,
      queues: this.queues,
      redis: this.queueConnection,
      graceMs: reconcile?.graceMs ?? env().LEDGER_RECONCILE_GRACE_SECONDS * 1000,
      batchSize: reconcile?.batchSize,
    });
    const repaired = outcome.heldLanded + outcome.heldDropped + outcome.outcomesRecorded + outcome.lost + outcome.rowsCreated;
    if (repaired > 0) this.options.logger.warn({ ...outcome }, "ledger reconciler repaired the ledger");
    return outcome;
  }

  /** Fingerprints failures recorded before the worker wrote them, in batches, in the background. */
  private async fingerprintOldFailures(): Promise<void> {
    try {
      let left: number;
      do {
        if (this.stopping) return;
        left = await fingerprintLegacyFailures({ db: this.options.db, batchSize: 2_000, maxBatches: 10 });
      } while (left > 0);
    } catch (error) {
      this.options.logger.warn({ err: error }, "could not fingerprint older failures; the failed-jobs desk does it as it reads");
    }
  }

  /** Stops taking actions; a running one stops after its current batch and is re-queued. */
  async stop(deadlineMs = this.options.shutdownTimeoutMs ?? env().WORKER_SHUTDOWN_TIMEOUT): Promise<void> {
    this.stopping = true;
    if (this.worker) {
      await closeQueueWorkers([this.worker], deadlineMs, () => this.options.logger.warn({ deadlineMs }, "shutdown deadline passed; the running bulk action stalls and another worker resumes it"));
    }
    await this.backfill;
    await this.schedulerQueue.close();
    await this.queues.close();
    this.queueConnection.disconnect();
    this.workerConnection?.disconnect();
  }
}
