import { UnrecoverableError, type Job } from "bullmq";
import type { RedisClient as Redis } from "../lib/redis";
import type { Logger } from "pino";
import { BatchWriter } from "../lib/batch-writer";
import type { Db } from "../lib/db";
import { notifyJobsFinished, type FinishedJob } from "../lib/inbox/job-notifications";
import { runSummary } from "../lib/jobs/batch-contract";
import type { QueueKey } from "../lib/jobs/catalog";
import { failureFingerprint } from "../lib/jobs/failure-fingerprint";
import { holdLedgerWrites, newHeldWrite, replaceHeldLedgerWrite, settleLedgerWrite } from "../lib/jobs/held-ledger-writes";
import { updateRun, type RunUpdate } from "../lib/jobs/ledger";
import { readProgress } from "../lib/jobs/queue-manager";
import { RunEventWriter } from "../lib/jobs/run-events";
import { recordJobOutcome } from "../lib/metrics/job-metrics";
import { publishJobEvent, type JobEventPayload, type JobEventType } from "../lib/realtime/events";
import { retryWithBackoff } from "../lib/retry-with-backoff";
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
  /**
   * Outcomes retried in memory while PostgreSQL is away; past it a new outcome is only held in
   * Redis, for the ledger reconciler to land. @defaultValue 10,000
   */
  maxPendingOutcomes?: number;
  /** Backoff of the ledger retries. @defaultValue 100 ms doubling to 5 s */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/** What an event says beyond whose job it is; `publish` adds the rest. */
type EventFields = Pick<JobEventPayload, "progress" | "message" | "summary" | "failedReason" | "attemptsMade">;

/**
 * Everything that is written about a job as it runs, in one place: the ledger row, the timeline,
 * the dashboard's metrics, the owner's notification and the realtime events. Writes for one job
 * stay in order; a write that fails never fails the job.
 *
 * No outcome is lost to a PostgreSQL outage: a finished job's ledger write is first held in Redis
 * (lib/jobs/held-ledger-writes.ts), then retried with backoff until it lands, and released. If this
 * process dies first, the ledger reconciler lands the held write (and, failing that, derives the
 * outcome from the job BullMQ keeps). The owner's job:complete / job:failed event is published
 * after the ledger write, not beside it: a browser refetches on that event, and the lists it
 * refetches ("my runs", search, the job page once Redis retention has dropped the job) read the
 * ledger, so an event that outran its row would leave them showing the job running, with no later
 * event to correct them. While PostgreSQL is down the web answers 503 anyway, so holding the event
 * until the row lands costs the owner nothing they could have seen.
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
  /** Each job's ledger writes, chained so they land in order even when some are retried. */
  private readonly ledgerChains = new Map<string, Promise<void>>();
  /** Outcomes given to the reconciler (held in Redis, not retried here) because too many were pending. */
  outcomesLeftToReconciler = 0;
  /** Stops the retries when the process shuts down; what is still held stays in Redis. */
  private readonly stopRetries = new AbortController();

  constructor(private readonly options: OutcomeRecorderOptions) {
    this.timeline = new RunEventWriter({
      db: options.db,
      onError: (error, held, attempt) => options.logger.warn({ err: error, held, attempt }, "could not write job timeline events; retrying"),
      onDrop: (count, reason, error) => options.logger.error({ err: error, count, reason, droppedSoFar: this.timeline.dropped }, "GAVE UP job timeline events"),
    });
    this.notifications = new BatchWriter({
      write: (batch) => notifyJobsFinished(options.db, batch),
      // Short: the job's event waits for its notification, so the bell finds it when it refetches.
      flushIntervalMs: 50,
      onError: (error, held, attempt) => options.logger.warn({ err: error, held, attempt }, "could not write owners' notifications; retrying"),
      onDrop: (count, reason, error) => options.logger.error({ err: error, count, reason, droppedSoFar: this.notifications.dropped }, "GAVE UP owners' notifications"),
    });
  }

  /**
   * An attempt begins: the ledger shows it running. The attempt does not wait for that write: with
   * PostgreSQL away it is retried in the job's chain, ahead of the job's outcome, rather than costing
   * the job an attempt.
   */
  started(job: Job, attempt: number): void {
    void this.writeLedger(job.id!, { state: "ACTIVE", startedAt: new Date(), attempts: attempt, progress: 0, progressText: null });
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

  /** Ledger writes, timeline events and notifications not yet written (PostgreSQL away). */
  get pending(): { outcomes: number; timelineEvents: number; notifications: number } {
    return { outcomes: this.ledgerChains.size, timelineEvents: this.timeline.held, notifications: this.notifications.held };
  }

  /**
   * Waits for the recordings in flight and writes what is buffered, before connections close; up
   * to `deadlineMs`, past which the retries go on (a restart) or are stopped by close().
   */
  async flush(deadlineMs = Infinity): Promise<boolean> {
    const everything = (async () => {
      await Promise.all([...this.inFlight]);
      await Promise.all([...this.ledgerChains.values(), this.timeline.flush(), this.notifications.flush()]);
    })();
    if (deadlineMs === Infinity) return everything.then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
    const done = await Promise.race([everything.then(() => true), late]);
    clearTimeout(timer);
    return done;
  }

  /**
   * Stops retrying (the process is stopping): held outcomes stay in Redis for the reconciler; the
   * timeline events and notifications still unwritten are reported as given up.
   */
  async close(): Promise<void> {
    const pending = this.pending;
    if (pending.outcomes + pending.timelineEvents + pending.notifications > 0) {
      this.options.logger.error({ ...pending }, "stopping with writes the database has not taken; outcomes stay held in Redis for the ledger reconciler");
    }
    this.stopRetries.abort();
    // The batch writers first: a recording in flight may be waiting on its notification.
    await Promise.all([this.timeline.close(), this.notifications.close()]);
    await Promise.all([...this.inFlight, ...this.ledgerChains.values()]);
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
    const finished = { jobId: job.id!, queue: key, name: job.name, ownerId: jobOwner(job.data).ownerId, status: "completed" as const, message: progress.message ?? "Complete" };
    await this.recordOutcome(
      key,
      job,
      { state: "COMPLETED", result, finishedAt: new Date(job.finishedOn ?? Date.now()), progress: 100, progressText: progress.message ?? "Complete", failedReason: null, attempts: job.attemptsMade },
      { type: "job:complete", fields: { progress: 100, message: "Complete", summary: runSummary(key, job.name, result), attemptsMade: job.attemptsMade } },
      // A batch's children are announced by their parent: 10,000 "completed" notifications would bury the bell.
      { notify: job.parentKey ? undefined : finished },
    );
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
    // A failed attempt that will be retried reaches the browser as progress carrying the reason.
    const fields = {
      progress: progress.percent,
      message: final ? error.message : `Attempt ${job.attemptsMade} of ${attempts} failed: ${error.message}. Retrying.`,
      failedReason: error.message,
      attemptsMade: job.attemptsMade,
    };
    if (!final) {
      await Promise.all([
        this.recordMetrics(key, job, "failed", false),
        // A retry's mark is not an outcome: it is not held, and the next attempt's writes follow it in the chain.
        this.writeLedger(job.id!, { state: "DELAYED", failedReason: error.message, attempts: job.attemptsMade }).then(() => this.publish(key, job, "job:progress", fields)),
      ]);
    } else {
      await this.recordOutcome(
        key,
        job,
        { state: "FAILED", failedReason: error.message, failureFingerprint: failureFingerprint(key, job.name, error.message), attempts: job.attemptsMade, finishedAt: new Date(job.finishedOn ?? Date.now()) },
        { type: "job:failed", fields },
        { notify: job.parentKey ? undefined : { jobId: job.id!, queue: key, name: job.name, ownerId: jobOwner(job.data).ownerId, status: "failed", message: error.message } },
      );
    }
    this.options.logger.warn({ queue: key, jobId: job.id, attempt: job.attemptsMade, final, reason: error.message }, "job attempt failed");
  }

  private async recordCancelled(key: QueueKey, job: Job, reason: string): Promise<void> {
    const progress = readProgress(job.progress);
    this.timeline.add({ runId: job.id!, kind: "cancelled", attempt: job.attemptsMade, progress: progress.percent, message: `${reason}; the attempt was stopped` });
    await this.recordOutcome(
      key,
      job,
      { state: "CANCELLED", failedReason: reason, attempts: job.attemptsMade, finishedAt: new Date(job.finishedOn ?? Date.now()) },
      { type: "job:failed", fields: { progress: progress.percent, message: reason, failedReason: reason, attemptsMade: job.attemptsMade } },
      { clearCancelRequest: true },
    );
    this.options.logger.info({ queue: key, jobId: job.id, reason }, "job cancelled");
  }

  /**
   * A finished job's outcome: held in Redis, written to the ledger (retried until it lands), then the
   * cancellation request cleared, the hold released and the owner's event published (after the
   * owner's notification, so the bell finds it when the browser refetches on the event).
   */
  private async recordOutcome(
    key: QueueKey,
    job: Job,
    update: RunUpdate,
    event: { type: JobEventType; fields: EventFields },
    extra: { notify?: Parameters<BatchWriter<FinishedJob>["add"]>[0]; clearCancelRequest?: boolean },
  ): Promise<void> {
    const write = newHeldWrite({
      jobId: job.id!,
      queue: key,
      when: "outcome",
      update,
      event: { type: event.type, payload: this.eventPayload(key, job, event.fields) },
      notify: extra.notify,
      clearCancelRequest: extra.clearCancelRequest,
    });
    const held = await holdLedgerWrites(this.options.redis, this.options.prefix, [write]).then(
      () => true,
      (error: unknown) => {
        // Redis away too: the outcome is retried from memory; BullMQ's own record of the job is the reconciler's backstop.
        this.options.logger.warn({ queue: key, jobId: job.id, err: error }, "could not hold the job's outcome in Redis");
        return false;
      },
    );
    const metrics = update.state === "CANCELLED" ? undefined : this.recordMetrics(key, job, update.state === "COMPLETED" ? "completed" : "failed", true);
    // Once the owner's notification is written, the hold stops carrying it, so a reconciler landing the hold does not notify twice.
    const notification = extra.notify
      ? this.notifications.add(extra.notify).then((written) =>
          held && written ? replaceHeldLedgerWrite(this.options.redis, this.options.prefix, { ...write, notify: undefined }).catch(() => false) : false,
        )
      : undefined;
    if (held && this.ledgerChains.size >= (this.options.maxPendingOutcomes ?? 10_000)) {
      // Memory stays bounded through a long outage: the hold in Redis is enough for the reconciler.
      this.outcomesLeftToReconciler++;
      this.options.logger.error({ queue: key, jobId: job.id, pending: this.ledgerChains.size, leftToReconciler: this.outcomesLeftToReconciler }, "too many outcomes waiting for PostgreSQL; this one is left to the ledger reconciler");
      await metrics;
      return;
    }
    const [landed] = await Promise.all([this.writeLedger(job.id!, update), metrics, notification]);
    if (!landed) return;
    try {
      await settleLedgerWrite(write, { redis: this.options.redis, prefix: this.options.prefix, landed: true, ownHold: held });
    } catch (error) {
      // The row is written; the hold stays and the reconciler publishes the event from it.
      this.options.logger.warn({ queue: key, jobId: job.id, err: error }, "could not publish the job's event; the ledger reconciler will");
    }
  }

  /**
   * One ledger write of a job, after the job's earlier ones, retried with backoff until it lands or
   * the recorder closes. Resolves to whether it landed; never rejects.
   */
  private writeLedger(jobId: string, update: RunUpdate): Promise<boolean> {
    const previous = this.ledgerChains.get(jobId) ?? Promise.resolve();
    const landed = previous.then(() =>
      retryWithBackoff(() => updateRun(jobId, update, { db: this.options.db }), {
        initialMs: this.options.retryInitialMs,
        maxMs: this.options.retryMaxMs,
        signal: this.stopRetries.signal,
        onRetry: (error, attempt, delayMs) =>
          this.options.logger[attempt === 1 ? "warn" : "debug"]({ jobId, state: update.state, err: error, attempt, delayMs }, "could not write the ledger; retrying"),
      }).then(
        () => true,
        (error: unknown) => {
          this.options.logger.error({ jobId, state: update.state, err: error }, "gave up writing the ledger; a held outcome is landed by the ledger reconciler");
          return false;
        },
      ),
    );
    const chain = landed.then(() => {});
    this.ledgerChains.set(jobId, chain);
    void chain.then(() => {
      if (this.ledgerChains.get(jobId) === chain) this.ledgerChains.delete(jobId);
    });
    return landed;
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
  private eventPayload(key: QueueKey, job: Job, fields: EventFields): JobEventPayload {
    return { jobId: job.id!, type: key, name: job.name, ...jobOwner(job.data), ...fields, timestamp: Date.now() };
  }

  private async publish(key: QueueKey, job: Job, type: JobEventType, fields: EventFields): Promise<void> {
    try {
      await publishJobEvent(this.options.redis, this.options.prefix, type, this.eventPayload(key, job, fields));
    } catch (error) {
      this.options.logger.warn({ queue: key, jobId: job.id, type, err: error }, "could not publish a job event");
    }
  }
}
