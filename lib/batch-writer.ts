export interface BatchWriterOptions<T> {
  /** Writes one batch; called one batch at a time, in the order items were added. */
  write(batch: T[]): Promise<void>;
  /** How long an item may wait in memory before it is written. @defaultValue 250 ms */
  flushIntervalMs?: number;
  /** Writes at once when this many items are waiting. @defaultValue 500 */
  maxBuffered?: number;
  /** Told about a batch that could not be written (its items are dropped, not retried). */
  onError?(error: unknown, lost: number): void;
}

/**
 * Buffers small writes the worker makes for every job (timeline events, notifications) and writes
 * them in batches: at a hundred jobs a second, one multi-row INSERT every 250 ms costs a fraction of
 * one statement per item.
 */
export class BatchWriter<T> {
  private buffer: T[] = [];
  /** Settles when the batch now being buffered has been written (or has failed and been reported). */
  private written = settled();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;

  constructor(private readonly options: BatchWriterOptions<T>) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.maxBuffered = options.maxBuffered ?? 500;
  }

  /** Buffers `item`; the promise settles once it is written (never rejects: failures go to onError). */
  add(item: T): Promise<void> {
    this.buffer.push(item);
    const written = this.written.promise;
    if (this.buffer.length >= this.maxBuffered) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs);
    return written;
  }

  /** Writes whatever is buffered; resolves once every item added before the call is written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    const written = this.written;
    this.buffer = [];
    this.written = settled();
    // One write at a time keeps the items in the order they were added.
    this.writing = this.writing.then(async () => {
      try {
        if (batch.length > 0) await this.options.write(batch);
      } catch (error) {
        this.options.onError?.(error, batch.length);
      } finally {
        written.resolve();
      }
    });
    return this.writing;
  }
}

/** A promise with its resolve function (Promise.withResolvers needs Node 22). */
function settled(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
