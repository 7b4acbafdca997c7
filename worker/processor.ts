import type { JobPayload, JobResult, QueueKey } from "../lib/jobs/catalog";
import type { JobContext } from "./job-context";
import type { TaskMap, ThreadPool } from "./threads/pool";

/** The job as a processor sees it: the payload parsed against the catalogue (defaults applied), without owner fields. */
export interface ProcessorJob<K extends QueueKey> {
  id: string;
  name: string;
  data: JobPayload<K>;
  /** This attempt's number, from 1. */
  attempt: number;
  /** When BullMQ handed the job to this attempt (ms since the epoch). */
  processedOn: number;
}

/**
 * A module of CPU-bound tasks, named by URL so a thread can import it; the type parameter types
 * `context.threads.run`. Build one with `threadTasksModule`, given the module's URL relative to
 * `import.meta.url` (a string literal): the worker build (scripts/build-worker.mjs) bundles every
 * module named that way on its own and points the URL at the bundle.
 */
export interface ThreadTasksModule<Tasks extends TaskMap> {
  readonly href: string;
  /** Never set: carries the tasks' type. */
  readonly tasks?: Tasks;
}

export function threadTasksModule<Tasks extends TaskMap>(url: URL): ThreadTasksModule<Tasks> {
  return { href: url.href };
}

type NoTasks = Record<never, never>;

/** A processor's context; with `threads` only when the processor declares thread tasks. */
export type ProcessorContext<K extends QueueKey, Tasks extends TaskMap> = JobContext<K> &
  ([keyof Tasks] extends [never] ? unknown : { threads: ThreadPool<Tasks> });

/**
 * What serves one queue: `run` does one attempt (thin: load, call lib/, report steps, save, return
 * the documented result), and `threadTasks` names the only module that queue's threads load.
 */
export interface Processor<K extends QueueKey, Tasks extends TaskMap = NoTasks> {
  threadTasks?: ThreadTasksModule<Tasks>;
  run(job: ProcessorJob<K>, context: ProcessorContext<K, Tasks>): Promise<JobResult<K>>;
}

/** Processors by queue; `null` marks a queue whose processor has not been built yet (its jobs wait). */
export type ProcessorMap = { [K in QueueKey]?: Processor<K, TaskMap> | null };
