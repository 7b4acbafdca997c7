import type { QueueKey, ResultSummary } from "../jobs/catalog";
import type { RedisClient } from "../redis";

/**
 * Job events travel through one capped Redis stream. Any worker process appends; every web
 * instance tails it once and fans out to its browsers. The stream id doubles as the SSE event id,
 * so a reconnecting browser resumes exactly where it left off.
 */
export const JOB_EVENT_TYPES = ["job:progress", "job:complete", "job:failed"] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

export interface JobEventPayload {
  jobId: string;
  /** Queue key. */
  type: QueueKey;
  name: string;
  ownerId: string | null;
  /** The organisation the job works for, so an admin can follow one organisation's jobs. */
  organizationId: string | null;
  progress: number;
  message: string;
  /**
   * job:complete: the queue's small summary of the result (catalogue `summarize`), not the result
   * itself; a browser that needs the whole result refetches the job.
   */
  summary?: ResultSummary;
  failedReason?: string;
  attemptsMade?: number;
  timestamp: number;
}

export interface JobEvent extends JobEventPayload {
  /** Redis stream entry id. */
  id: string;
  event: JobEventType;
}

/** Kept long enough for a browser to ride out a short disconnect on a busy system. */
export const EVENT_STREAM_MAX_LENGTH = 10_000;

export function eventStreamKey(prefix: string): string {
  return `${prefix}:realtime:job-events`;
}

export async function publishJobEvent(redis: RedisClient, prefix: string, event: JobEventType, payload: JobEventPayload): Promise<string> {
  const id = await redis.xadd(
    eventStreamKey(prefix),
    "MAXLEN",
    "~",
    EVENT_STREAM_MAX_LENGTH,
    "*",
    "event",
    event,
    "payload",
    JSON.stringify(payload),
  );
  return id!;
}

export function parseStreamEntry([id, fields]: [string, string[]]): JobEvent | null {
  let event: string | undefined;
  let payload: string | undefined;
  for (let index = 0; index < fields.length; index += 2) {
    if (fields[index] === "event") event = fields[index + 1];
    else if (fields[index] === "payload") payload = fields[index + 1];
  }
  if (!event || !payload || !(JOB_EVENT_TYPES as readonly string[]).includes(event)) return null;
  try {
    const parsed = JSON.parse(payload) as JobEventPayload;
    if (typeof parsed?.jobId !== "string") return null;
    return { ...parsed, id, event: event as JobEventType };
  } catch {
    return null;
  }
}

/** Orders Redis stream ids ("<ms>-<seq>"). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split("-").map(Number);
  const [bMs, bSeq] = b.split("-").map(Number);
  return aMs !== bMs ? aMs! - bMs! : aSeq! - bSeq!;
}
