import { UnrecoverableError, type Job } from "bullmq";
import type { Logger } from "pino";
import type { Db } from "../lib/db";
import type { QueueKey } from "../lib/jobs/catalog";
import { isBatchJob } from "../lib/jobs/batch-contract";
import { cancelRequestKey } from "../lib/jobs/worker-registry";
import { rollUpBatch } from "./batch-rollup";
import { formatDuration } from "./format-duration";
import { createJobContext } from "./job-context";
import { checkJobResult, jobOwner, parseJobData } from "./job-contract";
import type { OutcomeRecorder } from "./outcome-recorder";
import type { Processor, ProcessorContext } from "./processor";
import type { TaskMap, ThreadPool } from "./threads/pool";
import type { RedisClient } from "../lib/redis";

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

/** What the runner needs of a queue for one attempt. */
export interface QueueRuntime {
  key: QueueKey;
  processor: Processor<QueueKey, TaskMap>;
  timeoutMs: number;
  /** The queue's own thread pool, loading only its processor's tasks; absent when it declares none. */
  threads?: ThreadPool;
}

export interface AttemptRunnerOptions {
  db: Db;
  /** Reads cancellation requests. */
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  recorder: OutcomeRecorder;
}

/**
 * Runs one attempt of a job: checks its data against the catalogue, bounds it by the queue's
 * timeout, stops it when the job is cancelled or the process shuts down, and checks its result.
 * Aborting the attempt's signal also terminates its CPU work in the queue's threads.
 */
export class AttemptRunner {
  /** Controllers of the attempts running now, by job id: to cancel one, or stop all when a shutdown runs out of time. */
  private readonly attempts = new Map<string, AbortController>();
  /** Jobs whose attempt was stopped by a cancellation, so their failure is recorded as CANCELLED. */
  private readonly cancelled = new Map<string, string>();

  constructor(private readonly options: AttemptRunnerOptions) {}

  /** Attempts running now. */
  get active(): number {
    return this.attempts.size;
  }

  /** `bullmqSignal` fires when BullMQ loses the job's lock or cancels it; it stops the attempt like a timeout does. */
  async run(queue: QueueRuntime, job: Job, bullmqSignal?: AbortSignal): Promise<unknown> {
    const { key, timeoutMs } = queue;
    const controller = new AbortController();
    bullmqSignal?.addEventListener("abort", () => controller.abort(bullmqSignal.reason ?? new Error("Job was cancelled")), { once: true });
    this.attempts.set(job.id!, controller);
    const timer = setTimeout(() => controller.abort(new JobTimeoutError(key, timeoutMs)), timeoutMs);
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }),
    );
    aborted.catch(() => {});
    const attempt = job.attemptsMade + 1;
    this.options.logger.info({ queue: key, jobId: job.id, attempt }, "job started");
    try {
      this.options.recorder.started(job, attempt);
      const cancelReason = await this.options.redis.get(cancelRequestKey(this.options.prefix, job.id!));
      // Cancelled while it waited to be picked up again (a stalled job, or a message this process missed).
      if (cancelReason !== null) this.cancel(job.id!, cancelReason);
      controller.signal.throwIfAborted();
      // A batch's parent, in its children's queue: the roll-up instead of the queue's processor.
      if (isBatchJob(job.name)) return await Promise.race([rollUpBatch(key, job), aborted]);
      const data = parseJobData(key, job.data);
      const context = createJobContext(key, job, controller.signal, jobOwner(job.data), { db: this.options.db, recorder: this.options.recorder, threads: queue.threads });
      const processorJob = { id: job.id!, name: job.name, data, attempt, processedOn: job.processedOn ?? Date.now() };
      // Racing the abort makes a timed-out attempt fail now even if the processor is stuck in I/O;
      // CPU work in threads is terminated by the same signal.
      const result = await Promise.race([queue.processor.run(processorJob, context as ProcessorContext<QueueKey, TaskMap>), aborted]);
      return checkJobResult(key, result);
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
  cancel(jobId: string, reason: string): boolean {
    const controller = this.attempts.get(jobId);
    if (!controller || controller.signal.aborted) return false;
    this.cancelled.set(jobId, reason);
    controller.abort(new JobCancelledError(reason));
    return true;
  }

  /** The reason the job's last attempt was cancelled, if it was; asked once, when the attempt's failure is recorded. */
  takeCancellation(jobId: string): string | undefined {
    const reason = this.cancelled.get(jobId);
    this.cancelled.delete(jobId);
    return reason;
  }

  /** Stops every attempt still running (a shutdown out of time); their jobs stall and go to another worker. */
  stopAll(reason: Error): void {
    for (const controller of this.attempts.values()) controller.abort(reason);
  }
}
