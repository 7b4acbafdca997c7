import { BatchWriter, type BatchWriterOptions } from "../batch-writer";
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

/**
 * The worker's timeline writer: events keep the time they happened, so writing them in batches
 * does not blur the timeline.
 */
export class RunEventWriter extends BatchWriter<RunEvent> {
  constructor(options: { db: Db } & Omit<BatchWriterOptions<RunEvent>, "write">) {
    super({ ...options, write: (batch) => appendRunEvents(batch, { db: options.db }) });
  }

  override add(event: RunEvent): Promise<boolean> {
    return super.add({ ...event, at: event.at ?? new Date() });
  }
}
