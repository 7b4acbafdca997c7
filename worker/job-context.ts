import type { Job } from "bullmq";
import type { Db } from "../lib/db";
import { progressStep, type QueueKey, type StepId } from "../lib/jobs/catalog";
import type { JobOwner } from "./job-contract";
import type { OutcomeRecorder } from "./outcome-recorder";
import type { ThreadPool } from "./threads/pool";

/** What a processor gets besides its job: progress reporting, cancellation, the owner and shared clients. */
export interface JobContext<K extends QueueKey = QueueKey> {
  /** Aborted when the attempt times out (or is cancelled); long work must stop when it fires. */
  signal: AbortSignal;
  /** Reports one of the queue's declared steps, with the percent and message the catalogue gives it. */
  step(id: StepId<K>): Promise<void>;
  /** Reports progress between the declared steps (rows done within a step, say). */
  progress(percent: number, message: string): Promise<void>;
  log(message: string): Promise<void>;
  /** Who the job is for; kept out of the payload. */
  owner: JobOwner;
  db: Db;
}

export interface ContextDeps {
  db: Db;
  recorder: OutcomeRecorder;
  /** The queue's thread pool, when its processor declares thread tasks. */
  threads?: ThreadPool;
}

export function createJobContext<K extends QueueKey>(
  key: K,
  job: Job,
  signal: AbortSignal,
  owner: JobOwner,
  deps: ContextDeps,
): JobContext<K> & { threads?: ThreadPool } {
  const progress = async (percent: number, message: string) => {
    signal.throwIfAborted();
    await deps.recorder.progressed(key, job, percent, message);
  };
  return {
    signal,
    owner,
    db: deps.db,
    ...(deps.threads ? { threads: deps.threads } : {}),
    progress,
    step(id) {
      const { percent, message } = progressStep(key, id);
      return progress(percent, message);
    },
    log: (message) => deps.recorder.logged(job, message),
  };
}
