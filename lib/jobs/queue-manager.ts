import { Queue, type Job, type JobsOptions } from "bullmq";
import { env } from "../env";
import { recordJobsAdded } from "../metrics/job-metrics";
import { activeTracing } from "../observability/tracing-state";
import { type RedisClient, sharedRedis } from "../redis";
import { QUEUE_KEYS, queueDefinition, type QueueKey, PRIORITY } from "./catalog";
import { queueSettings } from "./settings";

export const CLEANABLE_STATES = ["completed", "failed", "wait", "delayed", "prioritized", "paused"] as const;
export type CleanableState = (typeof CLEANABLE_STATES)[number];

export interface QueueStats {
  queueName: string;
  key: QueueKey;
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  prioritized: number;
  isPaused: boolean;
  total: number;
}

export interface AddJobOptions {
  jobId: string;
  /** 1 (highest) to 10 (lowest). */
  priority?: number;
  delay?: number;
  /**
   * BullMQ deduplication id: while a job with this id waits or runs, the add returns that job
   * (whose id then differs from `jobId`) and adds nothing.
   */
  deduplicationId?: string;
}

export interface FailedJobView {
  id: string;
  name: string;
  data: unknown;
  failedReason: string;
  attemptsMade: number;
  stacktrace: string[];
  timestamp: number;
  finishedOn: number | null;
}

export type JobStateName = "waiting" | "delayed" | "prioritized" | "active" | "completed" | "failed" | "waiting-children" | "unknown";

export interface JobView {
  id: string;
  queue: QueueKey;
  name: string;
  state: JobStateName;
  progress: number;
  progressMessage: string | null;
  data: unknown;
  returnValue: unknown;
  failedReason: string | null;
  stacktrace: string[];
  attemptsMade: number;
  attempts: number;
  priority: number;
  timestamp: number;
  processedOn: number | null;
  finishedOn: number | null;
}

/** Progress as the worker stores it: a percentage plus the step message. */
export interface JobProgress {
  percent: number;
  message: string | null;
}

export function readProgress(progress: unknown): JobProgress {
  if (typeof progress === "number") return { percent: progress, message: null };
  if (progress && typeof progress === "object" && "percent" in progress) {
    const value = progress as { percent: unknown; message?: unknown };
    return { percent: Number(value.percent) || 0, message: typeof value.message === "string" ? value.message : null };
  }
  return { percent: 0, message: null };
}

export interface QueueManagerOptions {
  /** Producer connection; shared by every Queue object of this manager. */
  connection?: RedisClient;
  /** BullMQ key prefix (hash-tagged for Redis Cluster). @defaultValue env REDIS_PREFIX */
  prefix?: string;
}

/**
 * Every queue operation the API and the dashboard need, over BullMQ. One Queue object per queue,
 * created on first use and reused.
 */
interface PendingAdd {
  name: string;
  data: unknown;
  opts: JobsOptions;
  resolve: (job: Job) => void;
  reject: (error: unknown) => void;
}

export class QueueManager {
  readonly prefix: string;
  private readonly connection: RedisClient;
  private readonly queues = new Map<QueueKey, Queue>();
  /** "Jobs in" counted since the last write, per queue; see `countAdded`. */
  private readonly added = new Map<QueueKey, number>();
  /** Single adds waiting for this turn's addBulk, per queue; see `addTogether`. */
  private readonly addGroups = new Map<QueueKey, PendingAdd[]>();
  /** The write that will carry the counts gathered so far; it starts once the one before it is done. */
  private nextAddedWrite: Promise<void> | undefined;
  private lastAddedWrite: Promise<void> = Promise.resolve();

  constructor(options: QueueManagerOptions = {}) {
    this.connection = options.connection ?? sharedRedis("producer");
    this.prefix = options.prefix ?? env().REDIS_PREFIX;
  }

  /** Whether the Redis connection is up; reads that can do without Redis check this first. */
  get isConnected(): boolean {
    return this.connection.status === "ready";
  }

  queue(key: QueueKey): Queue {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(queueDefinition(key).name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: defaultJobOptions(key),
        // With tracing on, `add` opens a span and the job carries its context to the worker.
        telemetry: activeTracing()?.bullmq,
      });
      queue.on("error", () => {});
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** Creates every Queue object and waits until Redis answers. */
  async initialise(): Promise<void> {
    await Promise.all(QUEUE_KEYS.map((key) => this.queue(key).waitUntilReady()));
  }

  async addJob(key: QueueKey, name: string, data: unknown, options: AddJobOptions): Promise<Job> {
    const job = await this.addTogether(key, { name, data, opts: jobOptions(options) });
    if (job.id === options.jobId) await this.countAdded(key, 1);
    return job;
  }

  /**
   * Adds made in the same turn of the event loop go to Redis as one addBulk. Under load they come
   * in bursts (one grouped ledger INSERT answers many launches at once, see lib/jobs/ledger.ts),
   * and each add alone cost a socket write here and a read in Redis, the largest item of a single
   * enqueue's Redis work. One add alone still goes through Queue.add, which is cheaper than a
   * pipeline of one. If the group fails, each add is tried alone, so every caller gets its own
   * outcome: an add that reached Redis with the group is found there again (same job id) rather
   * than added twice. With tracing on, each add stays its own, so that it carries its request's
   * span to the worker.
   */
  private addTogether(key: QueueKey, add: { name: string; data: unknown; opts: JobsOptions }): Promise<Job> {
    const queue = this.queue(key);
    if (queue.opts.telemetry) return queue.add(add.name, add.data, add.opts);
    return new Promise<Job>((resolve, reject) => {
      let group = this.addGroups.get(key);
      if (!group) {
        this.addGroups.set(key, (group = []));
        setImmediate(() => void this.flushAdds(key));
      }
      group.push({ ...add, resolve, reject });
    });
  }

  private async flushAdds(key: QueueKey): Promise<void> {
    const group = this.addGroups.get(key) ?? [];
    this.addGroups.delete(key);
    const queue = this.queue(key);
    const alone = (add: PendingAdd) => queue.add(add.name, add.data, add.opts).then(add.resolve, add.reject);
    if (group.length === 1) return alone(group[0]!);
    let added: Job[];
    try {
      added = await queue.addBulk(group.map(({ name, data, opts }) => ({ name, data, opts })));
    } catch {
      await Promise.all(group.map(alone));
      return;
    }
    for (const [index, add] of group.entries()) add.resolve(added[index]!);
  }

  /**
   * Many jobs of one queue in one round trip (BullMQ's addBulk: one pipeline, not a transaction, so
   * a failure may leave some of them added; `existingJobIds` tells which).
   */
  async addJobs(key: QueueKey, jobs: readonly { name: string; data: unknown; options: AddJobOptions }[]): Promise<Job[]> {
    const added = await this.queue(key).addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: jobOptions(job.options) })));
    await this.countAdded(key, added.filter((job, index) => job.id === jobs[index]!.options.jobId).length);
    return added;
  }

  /**
   * Records "jobs in". One write is in flight at a time: adds that finish while it is (under load,
   * every add of the next millisecond or so) share the following one, so a busy web process pays
   * one pipeline per round trip rather than one per job or per event-loop turn; each add still
   * waits for the write that holds its count. The job is in either way: a lost sample must not turn
   * that into an error the caller would retry.
   */
  private countAdded(key: QueueKey, count: number): Promise<void> {
    if (count <= 0) return Promise.resolve();
    this.added.set(key, (this.added.get(key) ?? 0) + count);
    if (!this.nextAddedWrite) {
      const turn = new Promise<void>((resolve) => setImmediate(resolve));
      const write = Promise.all([this.lastAddedWrite, turn]).then(async () => {
        // Counts from here on belong to the write after this one.
        this.nextAddedWrite = undefined;
        const counts = [...this.added];
        this.added.clear();
        const at = Date.now();
        await Promise.all(counts.map(([queue, added]) => recordJobsAdded(this.connection, this.prefix, queue, added, at).catch(() => {})));
      });
      this.nextAddedWrite = write;
      this.lastAddedWrite = write;
    }
    return this.nextAddedWrite;
  }

  /**
   * Which of these job ids the queue holds, in one round trip on the producer connection. Asked
   * after an add failed without a clear answer (a timeout, a dropped connection): Redis runs one
   * connection's commands in order, and ioredis re-sends an unanswered command before anything
   * sent after it, so an add that was going to happen has happened by the time this is answered.
   */
  async existingJobIds(key: QueueKey, ids: readonly string[]): Promise<Set<string>> {
    const queue = this.queue(key);
    const pipeline = this.connection.pipeline();
    for (const id of ids) pipeline.exists(queue.toKey(id));
    const results = (await pipeline.exec()) ?? [];
    const failure = results.find(([error]) => error);
    if (failure?.[0]) throw failure[0];
    return new Set(ids.filter((_, index) => results[index]?.[1] === 1));
  }

  async getJob(key: QueueKey, jobId: string): Promise<Job | undefined> {
    return (await this.queue(key).getJob(jobId)) ?? undefined;
  }

  async jobView(key: QueueKey, jobId: string): Promise<JobView | undefined> {
    const job = await this.getJob(key, jobId);
    if (!job) return undefined;
    const state = userState(await job.getState());
    const progress = readProgress(job.progress);
    return {
      id: job.id!,
      queue: key,
      name: job.name,
      state,
      progress: progress.percent,
      progressMessage: progress.message,
      data: job.data,
      returnValue: job.returnvalue ?? null,
      failedReason: job.failedReason || null,
      stacktrace: job.stacktrace ?? [],
      attemptsMade: job.attemptsMade,
      attempts: job.opts.attempts ?? 1,
      priority: job.priority,
      timestamp: job.timestamp,
      processedOn: job.processedOn ?? null,
      finishedOn: job.finishedOn ?? null,
    };
  }

  async stats(key: QueueKey): Promise<QueueStats> {
    const queue = this.queue(key);
    const [counts, isPaused] = await Promise.all([
      queue.getJobCounts("waiting", "active", "completed", "failed", "delayed", "prioritized"),
      queue.isPaused(),
    ]);
    // `waiting` counts every job ready to run; `prioritized` is how many of those wait in priority
    // order (all jobs added through this manager do).
    const prioritized = counts.prioritized ?? 0;
    const waiting = (counts.waiting ?? 0) + prioritized;
    const active = counts.active ?? 0;
    const completed = counts.completed ?? 0;
    const failed = counts.failed ?? 0;
    const delayed = counts.delayed ?? 0;
    return {
      queueName: queue.name,
      key,
      waiting,
      active,
      completed,
      failed,
      delayed,
      prioritized,
      isPaused,
      total: waiting + active + completed + failed + delayed,
    };
  }

  async allStats(): Promise<QueueStats[]> {
    return Promise.all(QUEUE_KEYS.map((key) => this.stats(key)));
  }

  /** Failed jobs, newest first; `start`/`end` are inclusive indexes as in BullMQ. */
  async failedJobs(key: QueueKey, start: number, end: number): Promise<{ total: number; jobs: FailedJobView[] }> {
    const queue = this.queue(key);
    const [total, jobs] = await Promise.all([queue.getFailedCount(), queue.getFailed(start, end)]);
    return {
      total,
      jobs: jobs.filter(Boolean).map((job) => ({
        id: job.id!,
        name: job.name,
        data: job.data,
        failedReason: job.failedReason,
        attemptsMade: job.attemptsMade,
        stacktrace: job.stacktrace ?? [],
        timestamp: job.timestamp,
        finishedOn: job.finishedOn ?? null,
      })),
    };
  }

  /**
   * Moves a failed job back to waiting; a job in any other state is left alone. `beforeRetry` runs
   * once the job is known to be failed and before a worker can pick it up again, so a record of
   * the retry can never land after the job's next result.
   */
  async retryJob(
    key: QueueKey,
    jobId: string,
    beforeRetry?: () => Promise<void>,
  ): Promise<{ ok: true } | { ok: false; code: "job-not-found" } | { ok: false; code: "job-not-failed"; state: string }> {
    const job = await this.getJob(key, jobId);
    if (!job) return { ok: false, code: "job-not-found" };
    const state = userState(await job.getState());
    if (state !== "failed") return { ok: false, code: "job-not-failed", state };
    await beforeRetry?.();
    try {
      // A job retried from the failed list gets its full attempt budget (and backoff) again.
      await job.retry("failed", { resetAttemptsMade: true });
    } catch (error) {
      // Another caller retried it first (double click, two admins): report its current state.
      const current = userState(await job.getState());
      if (current !== "failed") return { ok: false, code: "job-not-failed", state: current };
      throw error;
    }
    return { ok: true };
  }

  async pause(key: QueueKey): Promise<void> {
    await this.queue(key).pause();
  }

  async resume(key: QueueKey): Promise<void> {
    await this.queue(key).resume();
  }

  /** Removes up to `limit` jobs in `type` older than `graceMs`; returns the removed ids. */
  async clean(key: QueueKey, graceMs: number, limit: number, type: CleanableState): Promise<string[]> {
    const queue = this.queue(key);
    const removed = await queue.clean(graceMs, limit, type);
    // "wait" means every waiting job, and waiting jobs live in the prioritized set (see addJob).
    if (type === "wait" && removed.length < limit) removed.push(...(await queue.clean(graceMs, limit - removed.length, "prioritized")));
    return removed;
  }

  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((queue) => queue.close()));
  }
}

/** Attempts, backoff and retention of a queue's jobs, from the catalogue. */
export function defaultJobOptions(key: QueueKey): JobsOptions {
  const settings = queueSettings(key);
  return {
    attempts: settings.attempts,
    backoff: settings.backoff,
    removeOnComplete: { age: Math.round(settings.keepCompletedMs / 1000) },
    removeOnFail: { age: Math.round(settings.keepFailedMs / 1000) },
  };
}

function jobOptions(options: AddJobOptions): JobsOptions {
  // Every job gets a priority: BullMQ runs jobs without one before all prioritized jobs, which
  // would put an unprioritized job ahead of one sent with priority 1 (high).
  const opts: JobsOptions = { jobId: options.jobId, priority: clampPriority(options.priority ?? PRIORITY.default) };
  if (options.delay !== undefined && options.delay > 0) opts.delay = options.delay;
  if (options.deduplicationId !== undefined) opts.deduplication = { id: options.deduplicationId };
  return opts;
}

/** Every job waits in BullMQ's prioritized set (see addJob); to a user it is simply waiting. */
export function userState(state: string): JobStateName {
  return (state === "prioritized" ? "waiting" : state) as JobStateName;
}

export function clampPriority(priority: number): number {
  return Math.min(PRIORITY.max, Math.max(PRIORITY.min, Math.round(priority)));
}

const globalManager = globalThis as unknown as { __capliquifyQueues?: QueueManager };

export function queueManager(): QueueManager {
  globalManager.__capliquifyQueues ??= new QueueManager();
  return globalManager.__capliquifyQueues;
}
