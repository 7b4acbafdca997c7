import { hostname } from "node:os";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Db } from "../lib/db";
import { queueDefinition, type QueueKey } from "../lib/jobs/catalog";
import { updateRun } from "../lib/jobs/ledger";
import { readProgress } from "../lib/jobs/queue-manager";
import { queueSettings } from "../lib/jobs/settings";
import {
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
  private activeJobs = 0;
  private status: WorkerHeartbeat["status"] = "running";

  constructor(private readonly options: WorkerManagerOptions) {
    this.id = `${hostname()}:${process.pid}:${this.startedAt.getTime()}`;
    this.connection = options.createConnection();
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
    const worker = new Worker(queueDefinition(key).name, (job) => this.runAttempt(key, job, processor, threads), {
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
    worker.on("completed", (job, result) => void this.onCompleted(key, job, result));
    worker.on("failed", (job, error) => void (job && this.onFailed(key, job, error)));
    worker.on("error", (error) => this.options.logger.error({ queue: key, err: error }, "worker error"));
    worker.on("stalled", (jobId) => this.options.logger.warn({ queue: key, jobId }, "job stalled; it will be retried"));
    return { key, worker, threads, concurrency: settings.concurrency };
  }

  /** One attempt of a job, bounded by the queue's timeout. */
  private async runAttempt(key: QueueKey, job: Job, processor: Processor<QueueKey>, threads: ThreadPool): Promise<unknown> {
    const { timeoutMs } = this.settingsFor(key);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new JobTimeoutError(key, timeoutMs)), timeoutMs);
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }),
    );
    aborted.catch(() => {});
    const log = this.options.logger.child({ queue: key, jobId: job.id, attempt: job.attemptsMade + 1 });
    log.info("job started");
    this.activeJobs++;
    try {
      await updateRun(
        job.id!,
        { state: "ACTIVE", startedAt: new Date(), attempts: job.attemptsMade + 1, progress: 0, progressText: null },
        { db: this.options.db },
      );
      const context = createJobContext(key, job, controller.signal, {
        db: this.options.db,
        redis: this.connection,
        prefix: this.options.prefix,
        threads,
      });
      // Racing the abort makes a timed-out attempt fail now even if the processor is stuck in I/O;
      // CPU work in threads is terminated by the same signal.
      return await Promise.race([processor(job as never, context), aborted]);
    } finally {
      this.activeJobs--;
      clearTimeout(timer);
      if (!controller.signal.aborted) controller.abort(new Error("attempt finished"));
    }
  }

  private async onCompleted(key: QueueKey, job: Job, result: unknown): Promise<void> {
    this.jobsProcessed++;
    const progress = readProgress(job.progress);
    try {
      await updateRun(
        job.id!,
        { state: "COMPLETED", result, finishedAt: new Date(job.finishedOn ?? Date.now()), progress: 100, progressText: progress.message ?? "Complete", failedReason: null },
        { db: this.options.db },
      );
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
    const final = error instanceof UnrecoverableError || error.name === "UnrecoverableError" || job.attemptsMade >= attempts;
    if (final) this.jobsFailed++;
    const progress = readProgress(job.progress);
    const ownerId = job.data?.ownerId ?? null;
    try {
      await updateRun(
        job.id!,
        final
          ? { state: "FAILED", failedReason: error.message, attempts: job.attemptsMade, finishedAt: new Date() }
          : { state: "DELAYED", failedReason: error.message, attempts: job.attemptsMade },
        { db: this.options.db },
      );
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
      activeJobs: this.activeJobs,
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
      const command = safeJson(message) as { command?: string } | null;
      if (command?.command === "restart") void this.restart();
    });
  }

  /** Drains every queue's worker (active jobs finish) and starts fresh ones. */
  async restart(): Promise<void> {
    if (this.status !== "running") return;
    this.options.logger.info("restart requested: draining");
    this.status = "restarting";
    await this.beat();
    const keys = this.queues;
    await this.closeWorkers(this.options.shutdownTimeoutMs);
    for (const key of keys) this.running.set(key, this.startQueue(key, this.options.processors[key] as Processor<QueueKey>));
    this.status = "running";
    await this.beat();
    this.options.logger.info({ queues: keys }, "restart complete");
  }

  private async closeWorkers(deadlineMs: number): Promise<void> {
    const queues = [...this.running.values()];
    this.running.clear();
    let timer: NodeJS.Timeout | undefined;
    const graceful = Promise.all(queues.map(({ worker }) => worker.close()));
    const deadline = new Promise<"deadline">((resolve) => (timer = setTimeout(() => resolve("deadline"), deadlineMs)));
    const outcome = await Promise.race([graceful.then(() => "drained" as const), deadline]);
    clearTimeout(timer);
    if (outcome === "deadline") {
      // Jobs still running are left to the stalled-job check, which hands them to another worker.
      this.options.logger.warn({ deadlineMs }, "shutdown deadline passed; forcing close");
      await Promise.all(queues.map(({ worker }) => worker.close(true)));
    }
    await Promise.all(queues.map(({ threads }) => threads.close()));
  }

  /** Stops taking jobs, lets active ones finish up to the deadline, closes connections. */
  async stop(deadlineMs = this.options.shutdownTimeoutMs): Promise<void> {
    this.status = "stopping";
    clearInterval(this.heartbeatTimer);
    await this.closeWorkers(deadlineMs);
    await removeHeartbeat(this.connection, this.options.prefix, this.id).catch(() => {});
    this.control?.disconnect();
    await this.connection.quit().catch(() => this.connection.disconnect());
    this.options.logger.info("worker stopped");
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
