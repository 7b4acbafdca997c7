import { hostname } from "node:os";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Db } from "../lib/db";
import { queueDefinition, type QueueKey } from "../lib/jobs/catalog";
import { failureFingerprint } from "../lib/jobs/failure-fingerprint";
import { updateRun } from "../lib/jobs/ledger";
import { recordJobOutcome } from "../lib/metrics/job-metrics";
import { BatchWriter } from "../lib/batch-writer";
import { notifyJobsFinished, type FinishedJob } from "../lib/inbox/job-notifications";
import { readProgress } from "../lib/jobs/queue-manager";
import { RunEventWriter } from "../lib/jobs/run-events";
import { queueSettings } from "../lib/jobs/settings";
import {
  cancelRequestKey,
  removeHeartbeat,
  workerControlChannel,
  writeHeartbeat,
  type WorkerHeartbeat,
} from "../lib/jobs/worker-registry";
import { publishJobEvent } from "../lib/realtime/events";
import { createJobContext, type Processor } from "./job-context";
import { ThreadPool } from "./threads/pool";

/** The error an attempt fails with when it runs past its queue's timeout. */
export class JobTimeoutError extends Error {
  constructor(key: QueueKey, timeoutMs: number) {
    super(`Job timed out after ${formatDuration(timeoutMs)} (the ${key} queue's limit); the attempt was stopped`);
    this.name = "JobTimeoutError";
  }
}

/** The reason an attempt stops when a user cancels its job; the job is not retried. */
export class JobCancelledError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "JobCancelledError";
  }
}

export type ProcessorMap = Partial<{ [K in QueueKey]: Processor<K> | null }>;

export interface WorkerManagerOptions {
  queues: QueueKey[];
  processors: ProcessorMap;
  db: Db;
  /** Creates a Redis connection for BullMQ workers (maxRetriesPerRequest: null). */
  createConnection: () => Redis;
  prefix: string;
  logger: Logger;
  heartbeatIntervalMs: number;
  shutdownTimeoutMs: number;
  /** Overrides the catalogue/env settings; tests use it for short timeouts. */
  settings?: Partial<Record<QueueKey, { concurrency?: number; timeoutMs?: number }>>;
  /** BullMQ lock and stalled-check timings. @defaultValue BullMQ's (30 s) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Module of thread tasks for the pools. @defaultValue worker/threads/tasks.ts */
  threadTasksModule?: string;
}

interface RunningQueue {
  key: QueueKey;
  worker: Worker;
  threads: ThreadPool;
  concurrency: number;
}

/**
 * Starts one BullMQ Worker per queue in this process, wires each job's life into the ledger and
 * the realtime stream, beats a heartbeat into Redis, and shuts down or restarts gracefully.
 */
export class WorkerManager {
  readonly id: string;
  private readonly running = new Map<QueueKey, RunningQueue>();
  private readonly connection: Redis;
  private control: Redis | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date();
  private jobsProcessed = 0;
  private jobsFailed = 0;
  private status: WorkerHeartbeat["status"] = "running";
  private lifecycle: Promise<void> = Promise.resolve();
  /** Controllers of the attempts running now, by job id: to cancel one, or stop all when a shutdown runs out of time. */
  private readonly attempts = new Map<string, AbortController>();
  /** Jobs whose attempt was stopped by a cancellation, so their failure is recorded as CANCELLED. */
  private readonly cancelled = new Map<string, string>();
  private readonly events: RunEventWriter;
  /** Owners' notifications of finished jobs, written in batches like the timeline. */
  private readonly notifications: BatchWriter<FinishedJob>;
  /** Ledger and realtime writes for finished jobs that are still in flight. */
  private readonly recording = new Set<Promise<void>>();

  constructor(private readonly options: WorkerManagerOptions) {
    this.id = `${hostname()}:${process.pid}:${this.startedAt.getTime()}`;
    this.connection = options.createConnection();
    this.events = new RunEventWriter({
      db: options.db,
      onError: (error, lost) => options.logger.error({ err: error, lost }, "could not write job timeline events"),
    });
    this.notifications = new BatchWriter({
      write: (batch) => notifyJobsFinished(options.db, batch),
      // Short: the job's SSE event waits for its notification, so the bell finds it when it refetches.
      flushIntervalMs: 50,
      onError: (error, lost) => options.logger.warn({ err: error, lost }, "could not write owners' notifications"),
    });
  }

  /** Queues this process serves: the requested ones that have a processor. */
  get queues(): QueueKey[] {
    return [...this.running.keys()];
  }

  getWorker(key: QueueKey): Worker | undefined {
    return this.running.get(key)?.worker;
  }

  async start(): Promise<void> {
    const withoutProcessor = this.options.queues.filter((key) => !this.options.processors[key]);
    if (withoutProcessor.length > 0) {
      this.options.logger.warn({ queues: withoutProcessor }, "these queues have no processor yet; their jobs wait");
    }
    for (const key of this.options.queues) {
      const processor = this.options.processors[key];
      if (processor) this.running.set(key, this.startQueue(key, processor as Processor<QueueKey>));
    }
    await Promise.all([...this.running.values()].map(({ worker }) => worker.waitUntilReady()));
    await this.beat();
    this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatIntervalMs);
    await this.listenForControl();
    this.options.logger.info({ id: this.id, queues: this.queues }, "worker started");
  }

  private settingsFor(key: QueueKey) {
    return { ...queueSettings(key), ...this.options.settings?.[key] };
  }

  private startQueue(key: QueueKey, processor: Processor<QueueKey>): RunningQueue {
    const settings = this.settingsFor(key);
    const threads = new ThreadPool(settings.concurrency, this.options.threadTasksModule);
    // Declaring the third parameter makes BullMQ hand us its signal (fired when the job's lock is
    // lost or the job is cancelled), which then stops the attempt like a timeout does.
    const worker = new Worker(queueDefinition(key).name, (job, _token, signal) => this.runAttempt(key, job, processor, threads, signal), {
      connection: this.connection,
      prefix: this.options.prefix,
      concurrency: settings.concurrency,
      ...(settings.rateLimit ? { limiter: { max: settings.rateLimit.max, duration: settings.rateLimit.durationMs } } : {}),
      // BullMQ treats an explicit undefined as a value, so only pass the timings that are set.
      ...(this.options.lockDurationMs ? { lockDuration: this.options.lockDurationMs } : {}),
      ...(this.options.stalledIntervalMs ? { stalledInterval: this.options.stalledIntervalMs } : {}),
      maxStalledCount: 1,
      autorun: true,
    });
    worker.on("completed", (job, result) => this.record(this.onCompleted(key, job, result)));
    worker.on("failed", (job, error) => job && this.record(this.onFailed(key, job, error)));
    worker.on("error", (error) => this.options.logger.error({ queue: key, err: error }, "worker error"));
    worker.on("stalled", (jobId) => this.options.logger.warn({ queue: key, jobId }, "job stalled; it will be retried"));
    return { key, worker, threads, concurrency: settings.concurrency };
  }

  private record(write: Promise<void>): void {
    this.recording.add(write);
    void write.finally(() => this.recording.delete(write));
  }

  /** One attempt of a job, bounded by the queue's timeout. */
  private async runAttempt(
    key: QueueKey,
    job: Job,
    processor: Processor<QueueKey>,
    threads: ThreadPool,
    bullmqSignal?: AbortSignal,
  ): Promise<unknown> {
    const { timeoutMs } = this.settingsFor(key);
    const controller = new AbortController();
    bullmqSignal?.addEventListener("abort", () => controller.abort(bullmqSignal.reason ?? new Error("Job was cancelled")), { once: true });
    this.attempts.set(job.id!, controller);
    const timer = setTimeout(() => controller.abort(new JobTimeoutError(key, timeoutMs)), timeoutMs);
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }),
    );
    aborted.catch(() => {});
    const attempt = job.attemptsMade + 1;
    const log = this.options.logger.child({ queue: key, jobId: job.id, attempt });
    log.info("job started");
    try {
      const [cancelReason] = await Promise.all([
        this.connection.get(cancelRequestKey(this.options.prefix, job.id!)),
        updateRun(job.id!, { state: "ACTIVE", startedAt: new Date(), attempts: attempt, progress: 0, progressText: null }, { db: this.options.db }),
      ]);
      this.events.add({ runId: job.id!, kind: "active", attempt, message: `Attempt ${attempt} started on ${this.id}` });
      // Cancelled while it waited to be picked up again (a stalled job, or a message this process missed).
      if (cancelReason !== null) this.cancelAttempt(job.id!, cancelReason);
      const context = createJobContext(key, job, controller.signal, {
        db: this.options.db,
        redis: this.connection,
        prefix: this.options.prefix,
        threads,
        events: this.events,
      });
      // Racing the abort makes a timed-out attempt fail now even if the processor is stuck in I/O;
      // CPU work in threads is terminated by the same signal.
      return await Promise.race([processor(job as never, context), aborted]);
    } catch (error) {
      // A cancelled job fails for good: retrying it would undo the cancellation.
      if (controller.signal.reason instanceof JobCancelledError) throw new UnrecoverableError(controller.signal.reason.message);
      throw error;
    } finally {
      this.attempts.delete(job.id!);
      clearTimeout(timer);
      if (!controller.signal.aborted) controller.abort(new Error("attempt finished"));
    }
  }

  /** Stops the attempt of `jobId` if this process runs it; false when it does not. */
  private cancelAttempt(jobId: string, reason: string): boolean {
    const controller = this.attempts.get(jobId);
    if (!controller || controller.signal.aborted) return false;
    this.cancelled.set(jobId, reason);
    controller.abort(new JobCancelledError(reason));
    return true;
  }

  private async onCompleted(key: QueueKey, job: Job, result: unknown): Promise<void> {
    this.jobsProcessed++;
    const progress = readProgress(job.progress);
    const runMs = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : null;
    this.events.add({ runId: job.id!, kind: "completed", attempt: job.attemptsMade, progress: 100, message: runMs === null ? "Completed" : `Completed in ${formatDuration(runMs)}` });
    try {
      await Promise.all([
        updateRun(
          job.id!,
          { state: "COMPLETED", result, finishedAt: new Date(job.finishedOn ?? Date.now()), progress: 100, progressText: progress.message ?? "Complete", failedReason: null },
          { db: this.options.db },
        ),
        this.recordOutcome(key, job, "completed", false),
        this.notifications.add({ jobId: job.id!, queue: key, name: job.name, ownerId: job.data?.ownerId ?? null, status: "completed", message: progress.message ?? "Complete" }),
      ]);
      await publishJobEvent(this.connection, this.options.prefix, "job:complete", {
        jobId: job.id!,
        type: key,
        name: job.name,
        ownerId: job.data?.ownerId ?? null,
        progress: 100,
        message: "Complete",
        result,
        attemptsMade: job.attemptsMade,
        timestamp: Date.now(),
      });
    } catch (error) {
      this.options.logger.error({ queue: key, jobId: job.id, err: error }, "could not record completion");
    }
    this.options.logger.info({ queue: key, jobId: job.id, ms: (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now()) }, "job completed");
  }

  private async onFailed(key: QueueKey, job: Job, error: Error): Promise<void> {
    const attempts = job.opts.attempts ?? 1;
    const cancelReason = this.cancelled.get(job.id!);
    this.cancelled.delete(job.id!);
    if (cancelReason !== undefined) return this.onCancelled(key, job, cancelReason);
    const final = error instanceof UnrecoverableError || error.name === "UnrecoverableError" || job.attemptsMade >= attempts;
    if (final) this.jobsFailed++;
    const progress = readProgress(job.progress);
    const ownerId = job.data?.ownerId ?? null;
    this.events.add({
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
        this.recordOutcome(key, job, "failed", final),
        final ? this.notifications.add({ jobId: job.id!, queue: key, name: job.name, ownerId, status: "failed", message: error.message }) : undefined,
      ]);
      const message = final
        ? error.message
        : `Attempt ${job.attemptsMade} of ${attempts} failed: ${error.message}. Retrying.`;
      await publishJobEvent(this.connection, this.options.prefix, final ? "job:failed" : "job:progress", {
        jobId: job.id!,
        type: key,
        name: job.name,
        ownerId,
        progress: progress.percent,
        message,
        failedReason: error.message,
        attemptsMade: job.attemptsMade,
        timestamp: Date.now(),
      });
    } catch (recordError) {
      this.options.logger.error({ queue: key, jobId: job.id, err: recordError }, "could not record failure");
    }
    this.options.logger.warn({ queue: key, jobId: job.id, attempt: job.attemptsMade, final, reason: error.message }, "job attempt failed");
  }

  /** Throughput and wait/run times for the dashboard's history, counted by every worker process into the same buckets. */
  private async recordOutcome(key: QueueKey, job: Job, status: "completed" | "failed", final: boolean): Promise<void> {
    const at = job.finishedOn ?? Date.now();
    const readyAt = job.timestamp + (job.opts.delay ?? 0);
    try {
      await recordJobOutcome(this.connection, this.options.prefix, {
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

  private async onCancelled(key: QueueKey, job: Job, reason: string): Promise<void> {
    const progress = readProgress(job.progress);
    this.events.add({ runId: job.id!, kind: "cancelled", attempt: job.attemptsMade, progress: progress.percent, message: `${reason}; the attempt was stopped` });
    try {
      await Promise.all([
        updateRun(job.id!, { state: "CANCELLED", failedReason: reason, attempts: job.attemptsMade, finishedAt: new Date() }, { db: this.options.db }),
        this.connection.del(cancelRequestKey(this.options.prefix, job.id!)),
      ]);
      await publishJobEvent(this.connection, this.options.prefix, "job:failed", {
        jobId: job.id!,
        type: key,
        name: job.name,
        ownerId: job.data?.ownerId ?? null,
        progress: progress.percent,
        message: reason,
        failedReason: reason,
        attemptsMade: job.attemptsMade,
        timestamp: Date.now(),
      });
    } catch (recordError) {
      this.options.logger.error({ queue: key, jobId: job.id, err: recordError }, "could not record cancellation");
    }
    this.options.logger.info({ queue: key, jobId: job.id, reason }, "job cancelled");
  }

  private heartbeat(): WorkerHeartbeat {
    const [host, pid] = this.id.split(":");
    return {
      id: this.id,
      host: host!,
      pid: Number(pid),
      queues: this.queues,
      concurrency: Object.fromEntries([...this.running.values()].map((queue) => [queue.key, queue.concurrency])),
      startedAt: this.startedAt.toISOString(),
      lastHeartbeat: new Date().toISOString(),
      jobsProcessed: this.jobsProcessed,
      jobsFailed: this.jobsFailed,
      activeJobs: this.attempts.size,
      status: this.status,
    };
  }

  private async beat(): Promise<void> {
    try {
      await writeHeartbeat(this.connection, this.options.prefix, this.heartbeat(), this.options.heartbeatIntervalMs);
    } catch (error) {
      this.options.logger.warn({ err: error }, "heartbeat failed");
    }
  }

  private async listenForControl(): Promise<void> {
    this.control = this.connection.duplicate();
    this.control.on("error", () => {});
    await this.control.subscribe(workerControlChannel(this.options.prefix));
    this.control.on("message", (_channel, message) => {
      const command = safeJson(message) as { command?: string; jobId?: unknown; reason?: unknown } | null;
      if (command?.command === "restart") void this.restart();
      if (command?.command === "cancel" && typeof command.jobId === "string") {
        this.cancelAttempt(command.jobId, typeof command.reason === "string" ? command.reason : "Cancelled");
      }
    });
  }

  /**
   * Drains every queue's worker (active jobs finish) and starts fresh ones. Restart and stop run
   * one after the other on the same lifecycle chain, so a SIGTERM during a restart waits for the
   * drain and then stops instead of restarting.
   */
  restart(): Promise<void> {
    if (this.status !== "running") return this.lifecycle;
    this.status = "restarting";
    this.lifecycle = this.lifecycle.then(async () => {
      this.options.logger.info("restart requested: draining");
      await this.beat();
      const keys = this.queues;
      await this.closeWorkers(this.options.shutdownTimeoutMs);
      if (this.status !== "restarting") return;
      for (const key of keys) this.running.set(key, this.startQueue(key, this.options.processors[key] as Processor<QueueKey>));
      this.status = "running";
      await this.beat();
      this.options.logger.info({ queues: keys }, "restart complete");
    });
    return this.lifecycle;
  }

  private async closeWorkers(deadlineMs: number): Promise<void> {
    const queues = [...this.running.values()];
    let timer: NodeJS.Timeout | undefined;
    // pause() stops fetching and waits for active jobs; close(true) after the deadline does not
    // wait (a plain close() already in progress could not be forced any more).
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
    const drained = await Promise.race([Promise.all(queues.map(({ worker }) => worker.pause())).then(() => true), deadline]);
    clearTimeout(timer);
    if (!drained) {
      // Attempts still running are stopped; their jobs are handed to another worker as stalled.
      this.options.logger.warn({ deadlineMs, active: this.attempts.size }, "shutdown deadline passed; stopping active jobs");
      for (const attempt of this.attempts.values()) attempt.abort(new Error("Worker shut down before the job finished"));
    }
    await Promise.all(queues.map(({ worker }) => worker.close(!drained)));
    for (const { key } of queues) this.running.delete(key);
    // Completions are recorded in the ledger and published after BullMQ reports them; wait for
    // those writes before the connections close.
    await Promise.all([...this.recording]);
    await Promise.all([this.events.flush(), this.notifications.flush()]);
    await Promise.all(queues.map(({ threads }) => threads.close()));
  }

  /** Stops taking jobs, lets active ones finish up to the deadline, closes connections. */
  stop(deadlineMs = this.options.shutdownTimeoutMs): Promise<void> {
    if (this.status === "stopping") return this.lifecycle;
    this.status = "stopping";
    clearInterval(this.heartbeatTimer);
    this.lifecycle = this.lifecycle.then(async () => {
      await this.closeWorkers(deadlineMs);
      await removeHeartbeat(this.connection, this.options.prefix, this.id).catch(() => {});
      this.control?.disconnect();
      await this.connection.quit().catch(() => this.connection.disconnect());
      this.options.logger.info("worker stopped");
    });
    return this.lifecycle;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
