import { UnrecoverableError, Worker, type Processor as BullProcessor } from "bullmq";
import type { Logger } from "pino";
import { activeTracing } from "../lib/observability/tracing-state";
import type { RedisClient } from "../lib/redis";
import { isDatabaseOutage, type Db } from "../lib/db";

export interface QueueWorkerOptions {
  connection: RedisClient;
  prefix: string;
  /** Pinged to confirm that a failure shaped like a PostgreSQL outage is one. */
  db: Db;
  /** Bound to the queue; errors and stalled jobs are logged here. */
  logger: Logger;
  concurrency: number;
  /** Global across all worker processes (BullMQ limiter). */
  rateLimit?: { max: number; durationMs: number };
  /** How often a job may stall (its worker died) before it fails. */
  maxStalledCount: number;
  /** BullMQ lock and stalled-check timings; tests shorten them. @defaultValue BullMQ's (30 s) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * How long the queue stops handing out jobs after an attempt failed because PostgreSQL could not
   * be reached. @defaultValue 1000
   */
  databaseRetryMs?: number;
}

/**
 * A BullMQ Worker as every queue of this process runs one. `process` must declare BullMQ's third
 * parameter (the signal) to get it: BullMQ passes it only to processors that accept it.
 *
 * An attempt that fails because PostgreSQL is unreachable (the error says so and a ping of our own
 * confirms it: a refused connection to an SMTP server or a provider looks the same) does not spend
 * one of the job's attempts: the job goes back to waiting and the queue (in every worker process, BullMQ's
 * limiter) pauses for `databaseRetryMs`. Otherwise an outage of a few seconds fails every job
 * taken meanwhile for good (3 attempts 2 s and 4 s apart), though nothing is wrong with them.
 */
export function createQueueWorker<Data>(queueName: string, process: BullProcessor<Data>, options: QueueWorkerOptions): Worker<Data> {
  const retryMs = options.databaseRetryMs ?? 1_000;
  const processWithRetry: BullProcessor<Data> = async (job, token, signal) => {
    try {
      return await process(job, token, signal);
    } catch (error) {
      // A processor that marked its failure unrecoverable has judged it: that failure stands.
      if (error instanceof UnrecoverableError || !(await isDatabaseOutage(options.db, error))) throw error;
      options.logger.warn({ jobId: job.id, err: error, retryMs }, "PostgreSQL is unreachable; the job waits again without spending an attempt");
      await worker.rateLimit(retryMs);
      throw Worker.RateLimitError();
    }
  };
  const worker: Worker<Data> = new Worker<Data>(queueName, processWithRetry, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    ...(options.rateLimit ? { limiter: { max: options.rateLimit.max, duration: options.rateLimit.durationMs } } : {}),
    // BullMQ treats an explicit undefined as a value, so only pass the timings that are set.
    ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
    maxStalledCount: options.maxStalledCount,
    // With tracing on, each attempt's `process` span continues the trace of the request that added the job.
    telemetry: activeTracing()?.bullmq,
  });
  worker.on("error", (error) => options.logger.error({ err: error }, "worker error"));
  worker.on("stalled", (jobId) => options.logger.warn({ jobId }, "job stalled; it will be retried"));
  return worker;
}

/**
 * Stops the workers taking jobs and waits for their active ones, up to the deadline. Past it,
 * `onOverrun` stops what still runs and the workers close without waiting: those jobs stall and
 * another worker takes them. Resolves once every worker is closed.
 */
export async function closeQueueWorkers(workers: readonly Worker[], deadlineMs: number, onOverrun: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // pause() stops fetching and waits for active jobs; close(true) after the deadline does not
  // wait (a plain close() already in progress could not be forced any more).
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
  const drained = await Promise.race([Promise.all(workers.map((worker) => worker.pause())).then(() => true), deadline]);
  clearTimeout(timer);
  if (!drained) onOverrun();
  await Promise.all(workers.map((worker) => worker.close(!drained)));
}
