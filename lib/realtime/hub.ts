import { env } from "../env";
import { createRedis, type RedisClient, sharedRedis } from "../redis";
import { compareStreamIds, EVENT_STREAM_MAX_LENGTH, eventStreamKey, parseStreamEntry, type JobEvent } from "./events";

type Listener = (event: JobEvent) => void;

/**
 * One tail of the job-event stream per web process. Browsers subscribe in memory, so the number
 * of Redis connections stays at two (one blocking reader, the shared client for replays) however
 * many streams are open.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();
  private readonly key: string;
  private reader: RedisClient | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private tailing: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    prefix: string,
    private readonly client: RedisClient,
    private readonly createReader: () => RedisClient,
  ) {
    this.key = eventStreamKey(prefix);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.start();
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /**
   * Resolves once the hub tails the stream from a known position: every event published after
   * that reaches the subscribers. Until then a fresh hub has not read where the stream ends, and
   * an event published in between would be skipped.
   */
  ready(): Promise<void> {
    this.start();
    return this.tailing!.promise;
  }

  /** Events after `afterId` (exclusive), oldest first; read page by page up to the stream's end. */
  async replay(afterId: string, pageSize = 1_000): Promise<JobEvent[]> {
    const events: JobEvent[] = [];
    let from = afterId;
    for (;;) {
      const entries = (await this.client.xrange(this.key, `(${from}`, "+", "COUNT", pageSize)) as [string, string[]][];
      for (const entry of entries) {
        const event = parseStreamEntry(entry);
        if (event) events.push(event);
      }
      if (entries.length < pageSize) return events;
      from = entries[entries.length - 1]![0];
    }
  }

  /** One failing subscriber must not keep the event from the others. */
  private dispatch(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // the subscriber's stream is gone; it unsubscribes itself on close
      }
    }
  }

  /**
   * Whether events after `afterId` may have been trimmed from the capped stream: the oldest entry
   * kept is newer than `afterId`, so a reconnecting browser cannot be sure it saw everything.
   */
  async replayGap(afterId: string): Promise<boolean> {
    const oldest = (await this.client.xrange(this.key, "-", "+", "COUNT", 1)) as [string, string[]][];
    const oldestId = oldest[0]?.[0];
    return oldestId !== undefined && compareStreamIds(oldestId, afterId) > 0 && (await this.client.xlen(this.key)) >= EVENT_STREAM_MAX_LENGTH;
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    let resolve!: () => void;
    this.tailing = { promise: new Promise<void>((done) => (resolve = done)), resolve };
    this.reader = this.createReader();
    this.loop = this.tail(this.reader);
  }

  private async tail(reader: RedisClient): Promise<void> {
    // "$" would be re-evaluated on every XREAD and drop events published between two calls, so
    // the loop always continues from a concrete id.
    let lastId: string | undefined;
    while (this.running) {
      try {
        lastId ??= ((await reader.xrevrange(this.key, "+", "-", "COUNT", 1)) as [string, string[]][])[0]?.[0] ?? "0-0";
        this.tailing?.resolve();
        const response = (await reader.xread("COUNT", 500, "BLOCK", 5_000, "STREAMS", this.key, lastId)) as
          | [string, [string, string[]][]][]
          | null;
        for (const [, entries] of response ?? []) {
          for (const entry of entries) {
            lastId = entry[0];
            const event = parseStreamEntry(entry);
            if (event) this.dispatch(event);
          }
        }
      } catch {
        if (!this.running) return;
        // Redis went away; the reader reconnects by itself. Wait a little rather than spin.
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  async close(): Promise<void> {
    this.running = false;
    this.tailing?.resolve();
    this.reader?.disconnect();
    await this.loop;
  }
}

const globalHub = globalThis as unknown as { __capliquifyHub?: EventHub };

export function eventHub(): EventHub {
  globalHub.__capliquifyHub ??= new EventHub(env().REDIS_PREFIX, sharedRedis("producer"), () => createRedis("subscriber"));
  return globalHub.__capliquifyHub;
}

/** Open event streams of this process; 0 before the first one, without starting the hub. */
export function openStreamCount(): number {
  return globalHub.__capliquifyHub?.subscriberCount ?? 0;
}
