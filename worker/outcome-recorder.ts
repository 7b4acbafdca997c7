import { UnrecoverableError, type Job } from "bullmq";
import type { RedisClient as Redis } from "../lib/redis";
import type { Logger } from "pino";
import { BatchWriter } from "../lib/batch-writer";
import type { Db } from "../lib/db";
import { notifyJobsFinished, type FinishedJob } from "../lib/inbox/job-notifications";
import { queueDefinition, type QueueKey } from "../lib/jobs/catalog";
import { failureFingerprint } from "../lib/jobs/failure-fingerprint";
import { updateRun } from "../lib/jobs/ledger";
import { readProgress } from "../lib/jobs/queue-manager";
import { RunEventWriter } from "../lib/jobs/run-events";
import { cancelRequestKey } from "../lib/jobs/worker-registry";
import { recordJobOutcome } from "../lib/metrics/job-metrics";
import { publishJobEvent, type JobEventPayload, type JobEventType } from "../lib/realtime/events";
import { formatDuration } from "./format-duration";
import { jobOwner } from "./job-contract";

export interface OutcomeRecorderOptions {
  db: Db;
  /** Publishes events and metrics; the worker's own connection. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Named in the timeline's "attempt started" events. */
  workerId: string;
}

/** What an event says beyond whose job it is; `publish` adds the rest. */
type EventFields = Pick<JobEventPayload, "progress" | "message" | "summary" | "failedReason" | "attemptsMade">;

/**
 * Everything that is written about a job as it runs, in one place: the ledger row, the timeline,
 * the dashboard's metrics, the owner's notification and the realtime events. Writes for one job
 * stay in order; a write that fails is logged and never fails the job.
 */
export class OutcomeRecorder {
  /** Finished jobs: completed, and failed for good (not retried, not cancelled). */
  jobsProcessed = 0;
  jobsFailed = 0;
  private readonly timeline: RunEventWriter;
  /** Owners' notifications of finished jobs, written in batches like the timeline. */
  private readonly notifications: BatchWriter<FinishedJob>;
  /** Recordings of finished jobs still in flight. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: OutcomeRecorderOptions) {
    this.timeline = new RunEventWriter({
      db: options.db,
      onError: (error, lost) => options.logger.error({ err: error, lost }, "could not write job timeline events"),
    });
    this.notifications = new BatchWriter({
      write: (batch) => notifyJobsFinished(options.db, batch),
      // Short: the job's event waits for its notification, so the bell finds it when it refetches.
      flushIntervalMs: 50,
      onError: (error, lost) => options.logger.warn({ err: error, lost }, "could not write owners' notifications"),
    });
  }

  /** An attempt begins: the ledger shows it running. */
  async started(job: Job, attempt: number): Promise<void> {
    await updateRun(job.id!, { state: "ACTIVE", startedAt: new Date(), attempts: attempt, progress: 0, progressText: null }, { db: this.options.db });
    this.timeline.add({ runId: job.id!, kind: "active", attempt, message: `Attempt ${attempt} started on ${this.options.workerId}` });
  }

  async progressed(key: QueueKey, job: Job, percent: number, message: string): Promise<void> {
    this.timeline.add({ runId: job.id!, kind: "progress", attempt: job.attemptsMade + 1, progress: percent, message });
    // The stored progress and the live event are written together, so a browser that loads the
    // job page after an event sees at least that step.
    await Promise.all([job.updateProgress({ percent, message }), this.publish(key, job, "job:progress", { progress: percent, message })]);
  }

  async logged(job: Job, message: string): Promise<void> {
    this.timeline.add({ runId: job.id!, kind: "log", attempt: job.attemptsMade + 1, message });
    await job.log(message);
  }

  /** BullMQ stored the (checked) result. */
  completed(key: QueueKey, job: Job, result: unknown): void {
    this.track(this.recordCompleted(key, job, result));
  }

  /** An attempt failed; `cancelReason` when it was stopped because a user cancelled the job. */
  failed(key: QueueKey, job: Job, error: Error, cancelReason: string | undefined): void {
    this.track(cancelReason === undefined ? this.recordFailed(key, job, error) : this.recordCancelled(key, job, cancelReason));
  }

  /** Waits for the recordings in flight and writes what is buffered, before connections close. */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
    await Promise.all([this.timeline.flush(), this.notifications.flush()]);
  }

  private track(recording: Promise<void>): void {
    this.inFlight.add(recording);
    void recording.finally(() => this.inFlight.delete(recording));
  }

  private async recordCompleted(key: QueueKey, job: Job, result: unknown): Promise<void> {
    this.jobsProcessed++;
    const progress = readProgress(job.progress);
    const runMs = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : null;
    this.timeline.add({ runId: job.id!, kind: "completed", attempt: job.attemptsMade, progress: 100, message: runMs === null ? "Completed" : `Completed in ${formatDuration(runMs)}` });
    try {
      await Promise.all([
        updateRun(
          job.id!,
          { state: "COMPLETED", result, finishedAt: new Date(job.finishedOn ?? Date.now()), progress: 100, progressText: progress.message ?? "Complete", failedReason: null },
          { db: this.options.db },
        ),
        this.recordMetrics(key, job, "completed", false),
        this.notifications.add({ jobId: job.id!, queue: key, name: job.name, ownerId: jobOwner(job.data).ownerId, status: "completed", message: progress.message ?? "Complete" }),
      ]);
      await this.publish(key, job, "job:complete", {
        progress: 100,
        message: "Complete",
        summary: queueDefinition(key).summarize(result),
        attemptsMade: job.attemptsMade,
      });
    } catch (error) {
      this.options.logger.error({ queue: key, jobId: job.id, err: error }, "could not record completion");
    }
    this.options.logger.info({ queue: key, jobId: job.id, ms: (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now()) }, "job completed");
  }

  private async recordFailed(key: QueueKey, job: Job, error: Error): Promise<void> {
    const attempts = job.opts.attempts ?? 1;
    const final = error instanceof UnrecoverableError || error.name === "UnrecoverableError" || job.attemptsMade >= attempts;
    if (final) this.jobsFailed++;
    const progress = readProgress(job.progress);
    this.timeline.add({
      runId: job.id!,
      kind: final ? "failed" : "retrying",
      attempt: job.attemptsMade,
      progress: progress.percent,
      message: final ? error.message : `${error.message} (attempt ${job.attemptsMade} of ${attempts}; retrying)`,
    });
    try {
      await Promise.all([
        updateRun(
          job.id!,
          final
            ? {
                state: "FAILED",
                failedReason: error.message,
                failureFingerprint: failureFingerprint(key, job.name, error.message),
                attempts: job.attemptsMade,
                finishedAt: new Date(),
              }
            : { state: "DELAYED", failedReason: error.message, attempts: job.attemptsMade },
          { db: this.options.db },
        ),
        this.recordMetrics(key, job, "failed", final),
        final ? this.notifications.add({ jobId: job.id!, queue: key, name: job.name, ownerId: jobOwner(job.data).ownerId, status: "failed", message: error.message }) : undefined,
      ]);
      // A failed attempt that will be retried reaches the browser as progress carrying the reason.
      await this.publish(key, job, final ? "job:failed" : "job:progress", {
        progress: progress.percent,
        message: final ? error.message : `Attempt ${job.attemptsMade} of ${attempts} failed: ${error.message}. Retrying.`,
        failedReason: error.message,
        attemptsMade: job.attemptsMade,
      });
    } catch (recordError) {
      this.options.logger.error({ queue: key, jobId: job.id, err: recordError }, "could not record failure");
    }
    this.options.logger.warn({ queue: key, jobId: job.id, attempt: job.attemptsMade, final, reason: error.message }, "job attempt failed");
  }

  private async recordCancelled(key: QueueKey, job: Job, reason: string): Promise<void> {
    const progress = readProgress(job.progress);
    this.timeline.add({ runId: job.id!, kind: "cancelled", attempt: job.attemptsMade, progress: progress.percent, message: `${reason}; the attempt was stopped` });
    try {
      await Promise.all([
        updateRun(job.id!, { state: "CANCELLED", failedReason: reason, attempts: job.attemptsMade, finishedAt: new Date() }, { db: this.options.db }),
        this.options.redis.del(cancelRequestKey(this.options.prefix, job.id!)),
      ]);
      await this.publish(key, job, "job:failed", { progress: progress.percent, message: reason, failedReason: reason, attemptsMade: job.attemptsMade });
    } catch (recordError) {
      this.options.logger.error({ queue: key, jobId: job.id, err: recordError }, "could not record cancellation");
    }
    this.options.logger.info({ queue: key, jobId: job.id, reason }, "job cancelled");
  }

  /** Throughput and wait/run times for the dashboard's history, counted by every worker process into the same buckets. */
  private async recordMetrics(key: QueueKey, job: Job, status: "completed" | "failed", final: boolean): Promise<void> {
    const at = job.finishedOn ?? Date.now();
    const readyAt = job.timestamp + (job.opts.delay ?? 0);
    try {
      await recordJobOutcome(this.options.redis, this.options.prefix, {
        queue: key,
        status,
        final,
        // Only a first attempt's wait is queueing; a retry's includes earlier attempts and backoff.
        waitMs: job.processedOn && job.attemptsMade <= 1 ? Math.max(0, job.processedOn - readyAt) : null,
        runMs: job.processedOn ? Math.max(0, at - job.processedOn) : null,
        at,
      });
    } catch (error) {
      // A lost sample in the charts must not keep the job's result from its ledger row and owner.
      this.options.logger.warn({ queue: key, jobId: job.id, err: error }, "could not record job metrics");
    }
  }

  /** The one place a job's realtime event is built. */
  private async publish(key: QueueKey, job: Job, type: JobEventType, fields: EventFields): Promise<void> {
    await publishJobEvent(this.options.redis, this.options.prefix, type, {
      jobId: job.id!,
      type: key,
      name: job.name,
      ...jobOwner(job.data),
      ...fields,
      timestamp: Date.now(),
    });
  }
}
