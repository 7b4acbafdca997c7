import { backoffDelay, isTransientDatabaseError, sleep } from "./retry-with-backoff";

export interface BatchWriterOptions<T> {
  /** Writes one batch; called one batch at a time, in the order items were added. */
  write(batch: T[]): Promise<void>;
  /** How long an item may wait in memory before it is written. @defaultValue 250 ms */
  flushIntervalMs?: number;
  /** Writes at once when this many items are waiting; also the largest batch. @defaultValue 500 */
  maxBuffered?: number;
  /**
   * Items kept in memory while writes fail (the database away); past it new items are dropped,
   * counted and reported through onDrop. @defaultValue 50,000
   */
  maxHeld?: number;
  /** Backoff between retries of a failed batch. @defaultValue 100 ms doubling to 5 s */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Tries of a batch whose error is not transient (bad data, a bug) before it is dropped. @defaultValue 5 */
  maxAttempts?: number;
  /** Errors retried for as long as it takes. @defaultValue isTransientDatabaseError */
  isTransient?: (error: unknown) => boolean;
  /** Told about each failed write; the batch is kept and retried. */
  onError?(error: unknown, held: number, attempt: number): void;
  /** Told about items given up: over `maxHeld`, refused `maxAttempts` times, or still unwritten at close(). Log it loudly. */
  onDrop?(count: number, reason: "full" | "rejected" | "closed", error?: unknown): void;
}

/**
 * Buffers small writes the worker makes for every job (timeline events, notifications) and writes
 * them in batches: at a hundred jobs a second, one multi-row INSERT every 250 ms costs a fraction of
 * one statement per item. A batch that fails is retried with backoff, and items added meanwhile wait
 * behind it, so a database outage delays them rather than losing them; memory stays bounded by
 * `maxHeld`, and anything given up is counted in `dropped` and reported, never dropped silently.
 */
export class BatchWriter<T> {
  /** Items given up so far (see onDrop). */
  dropped = 0;
  private readonly queue: T[] = [];
  /** Resolvers of add() promises, by the item's sequence number; items settle in order. */
  private readonly waiters: { seq: number; resolve: () => void }[] = [];
  private added = 0;
  private settledCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private readonly stopRetries = new AbortController();
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;
  private readonly maxHeld: number;

  constructor(private readonly options: BatchWriterOptions<T>) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.maxBuffered = options.maxBuffered ?? 500;
    this.maxHeld = options.maxHeld ?? 50_000;
  }

  /** Items waiting to be written (including a batch being retried). */
  get held(): number {
    return this.queue.length;
  }

  /** Buffers `item`; the promise settles once it is written or given up (never rejects). */
  add(item: T): Promise<void> {
    if (this.queue.length >= this.maxHeld || this.stopRetries.signal.aborted) {
      this.drop(0, this.stopRetries.signal.aborted ? "closed" : "full", undefined, 1);
      return Promise.resolve();
    }
    this.queue.push(item);
    const seq = ++this.added;
    const written = new Promise<void>((resolve) => this.waiters.push({ seq, resolve }));
    if (this.queue.length >= this.maxBuffered) void this.drain();
    else if (!this.draining) this.timer ??= setTimeout(() => void this.drain(), this.flushIntervalMs);
    return written;
  }

  /** Writes whatever is buffered; resolves once every item added before the call is written or given up. */
  async flush(): Promise<void> {
    const upTo = this.added;
    while (this.settledCount < upTo) {
      if (this.stopRetries.signal.aborted) return this.drop(this.queue.length, "closed");
      await this.drain();
    }
  }

  /**
   * Stops retrying: what is still unwritten is given up (reported through onDrop) and every pending
   * add() settles. For a shutdown whose deadline passed while the database was away.
   */
  async close(): Promise<void> {
    this.stopRetries.abort();
    clearTimeout(this.timer);
    await this.draining;
    if (this.queue.length > 0) this.drop(this.queue.length, "closed");
  }

  private drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.draining ??= this.writeAll().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0 && !this.stopRetries.signal.aborted) this.timer ??= setTimeout(() => void this.drain(), this.flushIntervalMs);
    });
    return this.draining;
  }

  /** One write at a time keeps the items in the order they were added. */
  private async writeAll(): Promise<void> {
    let attempt = 0;
    while (this.queue.length > 0 && !this.stopRetries.signal.aborted) {
      const batch = this.queue.slice(0, this.maxBuffered);
      try {
        await this.options.write(batch);
        attempt = 0;
        this.settle(batch.length);
      } catch (error) {
        attempt++;
        const transient = (this.options.isTransient ?? isTransientDatabaseError)(error);
        if (!transient && attempt >= (this.options.maxAttempts ?? 5)) {
          this.drop(batch.length, "rejected", error);
          attempt = 0;
          continue;
        }
        this.options.onError?.(error, this.queue.length, attempt);
        await sleep(backoffDelay(attempt, { initialMs: this.options.retryInitialMs, maxMs: this.options.retryMaxMs }), this.stopRetries.signal);
      }
    }
  }

  /** Removes `count` items from the head (plus `refused` never queued) and reports them. */
  private drop(count: number, reason: "full" | "rejected" | "closed", error?: unknown, refused = 0): void {
    if (count + refused === 0) return;
    this.dropped += count + refused;
    if (count > 0) this.settle(count);
    this.options.onDrop?.(count + refused, reason, error);
  }

  private settle(count: number): void {
    this.queue.splice(0, count);
    this.settledCount += count;
    let done = 0;
    while (done < this.waiters.length && this.waiters[done]!.seq <= this.settledCount) this.waiters[done++]!.resolve();
    this.waiters.splice(0, done);
  }
}
