import { hostname } from "node:os";
import type { Worker } from "bullmq";
import type { Logger } from "pino";
import type { Db } from "../lib/db";
import type { RedisClient } from "../lib/redis";
import { queueDefinition, type QueueKey } from "../lib/jobs/catalog";
import { queueSettings } from "../lib/jobs/settings";
import { removeHeartbeat, subscribeToWorkerControl, writeHeartbeat, type WorkerHeartbeat } from "../lib/jobs/worker-registry";
import { AttemptRunner, type QueueRuntime } from "./attempt-runner";
import { OutcomeRecorder } from "./outcome-recorder";
import type { ProcessorMap } from "./processor";
import { closeQueueWorkers, createQueueWorker } from "./queue-worker";
import { ThreadPool } from "./threads/pool";

export interface WorkerManagerOptions {
  queues: QueueKey[];
  processors: ProcessorMap;
  db: Db;
  /** Creates a Redis connection for BullMQ workers (maxRetriesPerRequest: null). */
  createConnection: () => RedisClient;
  prefix: string;
  logger: Logger;
  heartbeatIntervalMs: number;
  shutdownTimeoutMs: number;
  /** Overrides the catalogue/env settings; tests use it for short timeouts. */
  settings?: Partial<Record<QueueKey, { concurrency?: number; timeoutMs?: number }>>;
  /** BullMQ lock and stalled-check timings. @defaultValue BullMQ's (30 s) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * How often a job may stall (its worker died) before it fails for good. With 1 (BullMQ's
   * default), a job that was running in each of two crashes in a row is lost: `npm run chaos`
   * showed it when a replacement worker took the jobs its predecessor left and was killed next.
   * @defaultValue 2
   */
  maxStalledCount?: number;
}

interface RunningQueue extends QueueRuntime {
  worker: Worker;
  concurrency: number;
}

/**
 * The worker process's wiring: one BullMQ Worker per queue, whose attempts the AttemptRunner runs
 * and whose outcomes the OutcomeRecorder writes; a heartbeat in Redis; the control channel
 * (cancel, restart); graceful restart and shutdown.
 */
export class WorkerManager {
  readonly id: string;
  private readonly running = new Map<QueueKey, RunningQueue>();
  private readonly connection: RedisClient;
  private control: RedisClient | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date();
  private status: WorkerHeartbeat["status"] = "running";
  private lifecycle: Promise<void> = Promise.resolve();
  private readonly recorder: OutcomeRecorder;
  private readonly attempts: AttemptRunner;

  constructor(private readonly options: WorkerManagerOptions) {
    this.id = `${hostname()}:${process.pid}:${this.startedAt.getTime()}`;
    this.connection = options.createConnection();
    const shared = { db: options.db, redis: this.connection, prefix: options.prefix, logger: options.logger };
    this.recorder = new OutcomeRecorder({ ...shared, workerId: this.id });
    this.attempts = new AttemptRunner({ ...shared, recorder: this.recorder });
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
    this.startQueues(this.options.queues.filter((key) => this.options.processors[key]));
    await Promise.all([...this.running.values()].map(({ worker }) => worker.waitUntilReady()));
    await this.beat();
    this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatIntervalMs);
    await this.listenForControl();
    this.options.logger.info({ id: this.id, queues: this.queues }, "worker started");
  }

  private startQueues(keys: readonly QueueKey[]): void {
    for (const key of keys) this.running.set(key, this.startQueue(key));
  }

  private startQueue(key: QueueKey): RunningQueue {
    const processor = this.options.processors[key] as QueueRuntime["processor"];
    const settings = { ...queueSettings(key), ...this.options.settings?.[key] };
    // A queue's threads load its own processor's tasks and nothing else.
    const threads = processor.threadTasks ? new ThreadPool(settings.concurrency, processor.threadTasks.href) : undefined;
    const runtime: QueueRuntime = { key, processor, timeoutMs: settings.timeoutMs, threads };
    const worker = createQueueWorker(queueDefinition(key).name, (job, _token, signal) => this.attempts.run(runtime, job, signal), {
      connection: this.connection,
      prefix: this.options.prefix,
      db: this.options.db,
      logger: this.options.logger.child({ queue: key }),
      concurrency: settings.concurrency,
      rateLimit: settings.rateLimit,
      maxStalledCount: this.options.maxStalledCount ?? 2,
      lockDurationMs: this.options.lockDurationMs,
      stalledIntervalMs: this.options.stalledIntervalMs,
    });
    worker.on("completed", (job, result) => this.recorder.completed(key, job, result));
    worker.on("failed", (job, error) => job && this.recorder.failed(key, job, error, this.attempts.takeCancellation(job.id!)));
    return { ...runtime, worker, concurrency: settings.concurrency };
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
      jobsProcessed: this.recorder.jobsProcessed,
      jobsFailed: this.recorder.jobsFailed,
      activeJobs: this.attempts.active,
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
    this.control = await subscribeToWorkerControl(this.connection, this.options.prefix, (message) => {
      const command = safeJson(message) as { command?: string; jobId?: unknown; reason?: unknown } | null;
      if (command?.command === "restart") void this.restart();
      if (command?.command === "cancel" && typeof command.jobId === "string") {
        this.attempts.cancel(command.jobId, typeof command.reason === "string" ? command.reason : "Cancelled");
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
      await this.closeQueues(this.options.shutdownTimeoutMs);
      if (this.status !== "restarting") return;
      this.startQueues(keys);
      this.status = "running";
      await this.beat();
      this.options.logger.info({ queues: keys }, "restart complete");
    });
    return this.lifecycle;
  }

  private async closeQueues(deadlineMs: number): Promise<void> {
    const queues = [...this.running.values()];
    await closeQueueWorkers(
      queues.map(({ worker }) => worker),
      deadlineMs,
      () => {
        this.options.logger.warn({ deadlineMs, active: this.attempts.active }, "shutdown deadline passed; stopping active jobs");
        this.attempts.stopAll(new Error("Worker shut down before the job finished"));
      },
    );
    for (const { key } of queues) this.running.delete(key);
    // Outcomes are recorded after BullMQ reports them; wait for those writes before the connections
    // close, but not for ever: with PostgreSQL away they stay held in Redis for the reconciler.
    if (!(await this.recorder.flush(deadlineMs))) {
      this.options.logger.warn({ deadlineMs, pending: this.recorder.pending }, "ledger writes still waiting for PostgreSQL");
    }
    await Promise.all(queues.map(({ threads }) => threads?.close()));
  }

  /** Stops taking jobs, lets active ones finish up to the deadline, closes connections. */
  stop(deadlineMs = this.options.shutdownTimeoutMs): Promise<void> {
    if (this.status === "stopping") return this.lifecycle;
    this.status = "stopping";
    clearInterval(this.heartbeatTimer);
    this.lifecycle = this.lifecycle.then(async () => {
      await this.closeQueues(deadlineMs);
      await this.recorder.close();
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
