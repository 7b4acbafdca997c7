import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "../lib/db";
import type { JobPayload, JobResult, QueueKey } from "../lib/jobs/catalog";
import type { RunEventWriter } from "../lib/jobs/run-events";
import { publishJobEvent } from "../lib/realtime/events";
import type { ThreadPool } from "./threads/pool";

export type JobData<K extends QueueKey> = JobPayload<K> & { ownerId?: string | null };

/** What a processor gets besides its job: progress reporting, cancellation and shared clients. */
export interface JobContext {
  /** Aborted when the attempt times out (or is cancelled); long work must stop when it fires. */
  signal: AbortSignal;
  progress(percent: number, message: string): Promise<void>;
  log(message: string): Promise<void>;
  db: Db;
  threads: ThreadPool;
}

export type Processor<K extends QueueKey> = (job: Job<JobData<K>>, context: JobContext) => Promise<JobResult<K>>;

export interface ContextDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  threads: ThreadPool;
  /** The job's timeline in the ledger: progress steps and log lines are kept after Redis drops the job. */
  events: RunEventWriter;
}

export function createJobContext(key: QueueKey, job: Job, signal: AbortSignal, deps: ContextDeps): JobContext {
  return {
    signal,
    db: deps.db,
    threads: deps.threads,
    async progress(percent, message) {
      signal.throwIfAborted();
      deps.events.add({ runId: job.id!, kind: "progress", attempt: job.attemptsMade + 1, progress: percent, message });
      // The stored progress and the live event are written together, so a browser that loads the
      // job page after an event sees at least that step.
      await Promise.all([
        job.updateProgress({ percent, message }),
        publishJobEvent(deps.redis, deps.prefix, "job:progress", {
          jobId: job.id!,
          type: key,
          name: job.name,
          ownerId: (job.data as { ownerId?: string }).ownerId ?? null,
          progress: percent,
          message,
          timestamp: Date.now(),
        }),
      ]);
    },
    async log(message) {
      deps.events.add({ runId: job.id!, kind: "log", attempt: job.attemptsMade + 1, message });
      await job.log(message);
    },
  };
}
