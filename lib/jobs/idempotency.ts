import { createHash } from "node:crypto";
import type { RedisClient } from "../redis";

/**
 * Idempotency keys: a client that sends the same key twice (a double click, a retried request)
 * gets the job of the first request instead of a second job. Each key is kept in Redis for 24 h,
 * per user, with the fingerprint of the request that claimed it, so the same key on a different
 * request is refused rather than answered with an unrelated job.
 */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a claim may stay pending: a process that dies between claiming a key and adding its
 * job must not block the key for a day.
 */
const PENDING_TTL_MS = 60_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export interface Claim {
  /** The claim's own id: the job's for a single launch, a batch id for a bulk one. */
  jobId: string;
  fingerprint: string;
  /** Set while the claiming request is still adding its job. */
  pending?: true;
  /** The jobs the launch ended with (a bulk launch's, or the job BullMQ answered with); set when settled. */
  jobIds?: string[];
}

export type ClaimOutcome = { claimed: true } | { claimed: false; existing: Claim } | { claimed: false; existing: null };

export function idempotencyRedisKey(prefix: string, userId: string, key: string): string {
  return `${prefix}:idempotency:${userId}:${sha256(key)}`;
}

/** A stable digest of what a request asks for: equal requests give equal fingerprints, whatever their key order. */
export function requestFingerprint(request: unknown): string {
  return sha256(canonicalJson(request));
}

/**
 * Claims `key` for a job about to be added (SET NX, so of two simultaneous requests exactly one
 * wins). The loser reads what the winner stored; `existing: null` means the claim vanished in
 * between (the winner failed and released it) and the caller may try again.
 */
export async function claimIdempotencyKey(redis: RedisClient, key: string, claim: { jobId: string; fingerprint: string }): Promise<ClaimOutcome> {
  const value = JSON.stringify({ ...claim, pending: true } satisfies Claim);
  if ((await redis.set(key, value, "PX", PENDING_TTL_MS, "NX")) === "OK") return { claimed: true };
  const stored = await redis.get(key);
  return { claimed: false, existing: stored ? (JSON.parse(stored) as Claim) : null };
}

/** Records the jobs the claim ended with (BullMQ may have answered with an existing one); kept for 24 h from now. */
export async function settleIdempotencyKey(redis: RedisClient, key: string, claim: { jobId: string; fingerprint: string; jobIds?: string[] }): Promise<void> {
  await redis.set(key, JSON.stringify(claim satisfies Claim), "PX", IDEMPOTENCY_TTL_MS, "XX");
}

// Deletes the key only while it still holds this request's claim, so a failed request never
// removes a claim another request made after it.
const RELEASE = `local stored = redis.call("GET", KEYS[1])
if stored and cjson.decode(stored).jobId == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`;

/** Gives the key up after the job could not be added, so the client's retry can add it. */
export async function releaseIdempotencyKey(redis: RedisClient, key: string, jobId: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, jobId);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, child]) => `${JSON.stringify(name)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
