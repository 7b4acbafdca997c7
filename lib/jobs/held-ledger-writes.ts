import { randomUUID } from "node:crypto";
import type { RedisClient } from "../redis";
import type { Db } from "../db";
import type { FinishedJob } from "../inbox/job-notifications";
import { publishJobEvent, type JobEventPayload, type JobEventType } from "../realtime/events";
import type { QueueKey } from "./catalog";
import { findRun, OPEN_RUN_STATES, updateRun, type RunUpdate } from "./ledger";
import { retryWithBackoff } from "../retry-with-backoff";
import { cancelRequestKey } from "./worker-registry";

/**
 * Ledger writes that must not be lost while PostgreSQL is away: a job's outcome recorded by the
 * worker, the CANCELLED mark of a job a user took off its queue. Each is held in one Redis hash
 * (field = job id) before it is attempted and released once it has landed, so a process that dies
 * in between leaves it for the ledger reconciler (lib/jobs/reconcile-ledger.ts) to land. Redis is
 * where the job itself lives: when Redis is up the write can be held, and when it is down there is
 * no job to disagree with.
 */
export interface HeldLedgerWrite {
  jobId: string;
  queue: QueueKey;
  update: RunUpdate;
  /**
   * "outcome": the job's result as the worker saw it; it stands whatever Redis says now.
   * "job-gone": written only once the job has left Redis (a cancel or clean that removes it); if
   * the job is still there, the removal never happened and the write is dropped.
   */
  when: "outcome" | "job-gone";
  /** The owner's realtime event, published once the write has landed. */
  event?: { type: JobEventType; payload: JobEventPayload };
  /** The owner's notification, written by the reconciler if it is the one that lands the write (the worker batches its own). */
  notify?: FinishedJob;
  /** Remove the job's cancellation request once the write has landed (a recorded cancellation). */
  clearCancelRequest?: boolean;
  /** Epoch ms; the reconciler leaves writes younger than its grace period to their own process. */
  heldAt: number;
  /** Tells this hold from a later one of the same job, so a release never removes the later one. */
  token: string;
}

export function heldLedgerWritesKey(prefix: string): string {
  return `${prefix}:ledger:held-writes`;
}

export function newHeldWrite(write: Omit<HeldLedgerWrite, "heldAt" | "token">): HeldLedgerWrite {
  return { ...write, heldAt: Date.now(), token: randomUUID() };
}

/** Holds writes in Redis (one round trip whatever their number). */
export async function holdLedgerWrites(redis: RedisClient, prefix: string, writes: readonly HeldLedgerWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await redis.hset(heldLedgerWritesKey(prefix), Object.fromEntries(writes.map((write) => [write.jobId, JSON.stringify(write)])));
}

// Compare-and-delete: a hold is released only if it is still the one this caller made; answers
// how many were released, so of several processes landing one hold exactly one learns it did.
const RELEASE_SCRIPT = `
local released = 0
for i = 1, #ARGV, 2 do
  local held = redis.call('HGET', KEYS[1], ARGV[i])
  if held and string.find(held, ARGV[i + 1], 1, true) then released = released + redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return released`;

export async function releaseLedgerWrites(redis: RedisClient, prefix: string, writes: readonly Pick<HeldLedgerWrite, "jobId" | "token">[]): Promise<number> {
  if (writes.length === 0) return 0;
  return (await redis.eval(RELEASE_SCRIPT, 1, heldLedgerWritesKey(prefix), ...writes.flatMap((write) => [write.jobId, `"token":"${write.token}"`]))) as number;
}

const REPLACE_SCRIPT = `
local held = redis.call('HGET', KEYS[1], ARGV[1])
if held and string.find(held, ARGV[2], 1, true) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end
return 0`;

/** Replaces a hold with a changed copy (same token), unless it was released or replaced meanwhile. */
export async function replaceHeldLedgerWrite(redis: RedisClient, prefix: string, write: HeldLedgerWrite): Promise<boolean> {
  return (await redis.eval(REPLACE_SCRIPT, 1, heldLedgerWritesKey(prefix), write.jobId, `"token":"${write.token}"`, JSON.stringify(write))) === 1;
}

/** One page of held writes (HSCAN); `cursor` "0" starts and, returned, ends the scan. */
export async function scanHeldLedgerWrites(redis: RedisClient, prefix: string, cursor = "0", count = 200): Promise<{ cursor: string; writes: HeldLedgerWrite[] }> {
  const [next, flat] = await redis.hscan(heldLedgerWritesKey(prefix), cursor, "COUNT", count);
  const writes: HeldLedgerWrite[] = [];
  for (let index = 1; index < flat.length; index += 2) {
    const write = parseHeldWrite(flat[index]!);
    if (write) writes.push(write);
  }
  return { cursor: next, writes };
}

export async function findHeldLedgerWrite(redis: RedisClient, prefix: string, jobId: string): Promise<HeldLedgerWrite | null> {
  const held = await redis.hget(heldLedgerWritesKey(prefix), jobId);
  return held === null ? null : parseHeldWrite(held);
}

const DATE_FIELDS = ["startedAt", "finishedAt", "removedAt"] as const;

function parseHeldWrite(text: string): HeldLedgerWrite | null {
  try {
    const write = JSON.parse(text) as HeldLedgerWrite;
    for (const field of DATE_FIELDS) {
      const value = write.update[field] as unknown;
      if (typeof value === "string") write.update[field] = new Date(value);
    }
    return write;
  } catch {
    return null;
  }
}

/**
 * Lands a held write: the ledger update, the cancellation request's removal, the release, then the
 * owner's event. Safe to call from several processes at once (the worker still retrying, two
 * reconcilers): the update is idempotent and only the caller whose release removed the hold
 * publishes, so the event goes out once. It goes out after the row is written, so a browser that
 * refetches on it finds the outcome in every list; a process that dies between the release and the
 * publish loses that one event, never the row.
 *
 * `onlyIfOpen` (the reconciler's way) writes only a row that is still open: one already finished
 * with another outcome (retried from bull-board and run again since) is not set back, and its stale
 * hold is dropped without an event. Without it (the worker's own retries) the outcome is written as
 * BullMQ reported it. `changed`: this call changed the row; `landed`: the row holds the write.
 */
export async function landLedgerWrite(
  write: HeldLedgerWrite,
  { db, redis, prefix, onlyIfOpen = false }: { db: Db; redis: RedisClient; prefix: string; onlyIfOpen?: boolean },
): Promise<{ changed: boolean; landed: boolean }> {
  const changed = (await updateRun(write.jobId, write.update, { db, onlyIfState: onlyIfOpen ? OPEN_RUN_STATES : undefined })) > 0;
  // A row already holding this outcome was landed by a process that died before releasing it.
  const landed = changed || !onlyIfOpen || (write.update.state !== undefined && (await findRun(write.jobId, { db }))?.state === write.update.state);
  await settleLedgerWrite(write, { redis, prefix, landed, ownHold: true });
  return { changed, landed };
}

/**
 * What follows a landed write: the cancellation request's removal, the release, and, for the one
 * caller whose release removed the hold, the event. `ownHold` false (the hold could not be made,
 * Redis was away) publishes without a release to win.
 */
export async function settleLedgerWrite(write: HeldLedgerWrite, { redis, prefix, landed, ownHold }: { redis: RedisClient; prefix: string; landed: boolean; ownHold: boolean }): Promise<void> {
  if (landed && write.clearCancelRequest) await redis.del(cancelRequestKey(prefix, write.jobId));
  const released = ownHold ? (await releaseLedgerWrites(redis, prefix, [write])) > 0 : true;
  if (landed && released && write.event) await publishJobEvent(redis, prefix, write.event.type, { ...write.event.payload, timestamp: Date.now() });
}

/**
 * The web side's two-step changes, a job taken out of Redis and its row marked: the mark is held
 * first, then `removeFromRedis` runs, then the row is written and the hold released. A failure or
 * crash at any point leaves nothing the reconciler cannot finish: before the removal, the held mark
 * is dropped (the job is still queued); after it, the mark is landed. When the ledger refuses the
 * write here, the removal still stands and `ledger` says "held".
 */
export async function removeThenMark<T>(
  marks: readonly { jobId: string; queue: QueueKey; update: RunUpdate }[],
  removeFromRedis: () => Promise<T>,
  deps: MarkDeps,
): Promise<{ removed: T; ledger: "written" | "held" }> {
  const holds = marks.map((mark) => newHeldWrite({ ...mark, when: "job-gone" }));
  await holdLedgerWrites(deps.redis, deps.prefix, holds);
  let removed: T;
  try {
    removed = await removeFromRedis();
  } catch (error) {
    await releaseLedgerWrites(deps.redis, deps.prefix, holds).catch(() => {});
    throw error;
  }
  return { removed, ledger: await writeHeldMarks(holds, deps) };
}

interface MarkDeps {
  db: Db;
  redis: RedisClient;
  prefix: string;
  /** Writes the marks in one go (a queue clean's updateMany). @defaultValue one updateRun per mark */
  write?: (holds: readonly HeldLedgerWrite[]) => Promise<unknown>;
}

/** Writes held marks of jobs already out of Redis (three quick tries: a web request does not wait out an outage), then releases them. */
export async function writeHeldMarks(holds: readonly HeldLedgerWrite[], { db, redis, prefix, write }: MarkDeps): Promise<"written" | "held"> {
  try {
    await retryWithBackoff(() => (write ? write(holds) : Promise.all(holds.map((hold) => updateRun(hold.jobId, hold.update, { db })))), {
      initialMs: 100,
      maxMs: 1_000,
      maxAttempts: 3,
      isTransient: () => false,
    });
  } catch {
    return "held";
  }
  await releaseLedgerWrites(redis, prefix, holds).catch(() => {});
  return "written";
}
