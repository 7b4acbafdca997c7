import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";

/** What can happen to a run; `created` comes from the run's own createdAt and is never stored. */
export const RUN_EVENT_KINDS = [
  "active",
  "progress",
  "log",
  "completed",
  "failed",
  "retrying",
  "retried",
  "promoted",
  "cancel-requested",
  "cancelled",
  "removed",
  "duplicated",
] as const;
export type RunEventKind = (typeof RUN_EVENT_KINDS)[number];

export interface RunEvent {
  runId: string;
  kind: RunEventKind;
  at?: Date;
  attempt?: number | null;
  progress?: number | null;
  message?: string | null;
  actorId?: string | null;
}

export interface StoredRunEvent {
  id: string;
  kind: RunEventKind;
  at: Date;
  attempt: number | null;
  progress: number | null;
  message: string | null;
  actorId: string | null;
}

const MAX_MESSAGE_LENGTH = 4_000;

/** Appends events in one statement (arrays unnested), whatever their number. */
export async function appendRunEvents(events: readonly RunEvent[], { db = defaultDb() }: { db?: Db } = {}): Promise<void> {
  if (events.length === 0) return;
  const now = new Date();
  await sqlPool(db).query(
    `INSERT INTO "JobRunEvent" ("runId", "kind", "at", "attempt", "progress", "message", "actorId")
     SELECT r, k, (a AT TIME ZONE 'UTC'), t, p, m, u
     FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[]) AS e(r, k, a, t, p, m, u)`,
    [
      events.map((event) => event.runId),
      events.map((event) => event.kind),
      events.map((event) => (event.at ?? now).toISOString()),
      events.map((event) => event.attempt ?? null),
      events.map((event) => event.progress ?? null),
      events.map((event) => (event.message == null ? null : event.message.slice(0, MAX_MESSAGE_LENGTH))),
      events.map((event) => event.actorId ?? null),
    ],
  );
}

/** A run's events in the order they happened, by their own time (the worker writes in batches, the web at once); capped so a chatty processor cannot make the page huge. */
export async function listRunEvents(runId: string, { db = defaultDb(), limit = 1_000 }: { db?: Db; limit?: number } = {}): Promise<StoredRunEvent[]> {
  const { rows } = await sqlPool(db).query<StoredRunEvent & { id: string }>(
    `SELECT "id"::text AS "id", "kind", ("at" AT TIME ZONE 'UTC') AS "at", "attempt", "progress", "message", "actorId"
     FROM "JobRunEvent" WHERE "runId" = $1 ORDER BY "at" ASC, "id" ASC LIMIT $2`,
    [runId, limit],
  );
  return rows;
}

export interface RunEventWriterOptions {
  db: Db;
  /** How long an event may wait in memory before it is written. @defaultValue 250 ms */
  flushIntervalMs?: number;
  /** Writes at once when this many events are waiting. @defaultValue 500 */
  maxBuffered?: number;
  onError?: (error: unknown, lost: number) => void;
}

/**
 * Buffers a worker's timeline events and writes them in batches: a forecast reports seven progress
 * steps, and one INSERT per step would cost more than the forecast's own save. Events keep their
 * own timestamps, so batching does not blur the timeline.
 */
export class RunEventWriter {
  private buffer: RunEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;

  constructor(private readonly options: RunEventWriterOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.maxBuffered = options.maxBuffered ?? 500;
  }

  add(event: RunEvent): void {
    this.buffer.push({ ...event, at: event.at ?? new Date() });
    if (this.buffer.length >= this.maxBuffered) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs);
  }

  /** Writes whatever is buffered; resolves once every event added before the call is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    // One write at a time keeps each run's events in insertion (id) order.
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await appendRunEvents(batch, { db: this.options.db });
      } catch (error) {
        this.options.onError?.(error, batch.length);
      }
    });
    return this.flushing;
  }
}
