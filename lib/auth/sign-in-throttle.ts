import { env } from "../env";
import { type RedisClient, sharedRedis } from "../redis";

/**
 * Limits on sign-in attempts, in fixed windows kept in Redis so every web instance counts
 * together. An account allows few (guessing one password); an address more (an office behind one
 * NAT signs in many people).
 */
export const SIGN_IN_LIMITS = {
  account: { max: 5, windowSeconds: 15 * 60 },
  address: { max: 20, windowSeconds: 15 * 60 },
} as const;

export interface SignInAttempt {
  /** The email as typed, lower-cased: unknown emails are counted like known ones. */
  email: string;
  /** The client's address, or null when it cannot be trusted (see clientAddress). */
  address: string | null;
}

const keys = ({ email, address }: SignInAttempt) => ({
  account: `${env().REDIS_PREFIX}:sign-in:account:${email}`,
  address: address === null ? null : `${env().REDIS_PREFIX}:sign-in:address:${address}`,
});

/** Counts one attempt in a window, creating the window with the first; returns the ms left when over the limit, else null. */
async function count(redis: RedisClient, key: string, { max, windowSeconds }: { max: number; windowSeconds: number }): Promise<number | null> {
  const replies = await redis.multi().set(key, 0, "EX", windowSeconds, "NX").incr(key).pttl(key).exec();
  if (!replies || replies.some(([error]) => error)) throw new Error("Sign-in throttle: Redis transaction failed");
  return Number(replies[1]![1]) > max ? Number(replies[2]![1]) : null;
}

/**
 * Counts an attempt before its password is checked, so parallel guesses cannot all slip in before
 * the first failure is recorded. Returns the seconds to wait when over a limit, else null; a
 * successful sign-in then takes its attempt back (signInSucceeded).
 */
export async function beginSignInAttempt(attempt: SignInAttempt, { redis = sharedRedis() }: { redis?: RedisClient } = {}): Promise<number | null> {
  const key = keys(attempt);
  const checks = [count(redis, key.account, SIGN_IN_LIMITS.account)];
  if (key.address) checks.push(count(redis, key.address, SIGN_IN_LIMITS.address));
  const over = (await Promise.all(checks)).filter((msLeft) => msLeft !== null);
  if (over.length === 0) return null;
  return Math.max(1, Math.ceil(Math.max(...over) / 1000));
}

/** A right password clears the account's count, and takes its attempt off the address's. */
export async function signInSucceeded(attempt: SignInAttempt, { redis = sharedRedis() }: { redis?: RedisClient } = {}): Promise<void> {
  const key = keys(attempt);
  await redis.del(key.account);
  // Only while the window lasts: a DECR after it expired would leave a count of -1 that never expires.
  if (key.address) await redis.eval(`if redis.call("EXISTS", KEYS[1]) == 1 then return redis.call("DECR", KEYS[1]) end return 0`, 1, key.address);
}

/**
 * The client's address from the request headers next-auth passes to authorize. Next itself fills
 * X-Forwarded-For only when the client has not, so the header is the client's word unless a proxy
 * we run replaced or appended to it: it is used only with TRUST_PROXY, and then its last entry,
 * the one our proxy wrote. Without it sign-in is throttled per account only.
 */
export function clientAddress(headers: Record<string, unknown> | undefined): string | null {
  if (!env().TRUST_PROXY) return null;
  const forwarded = headers?.["x-forwarded-for"];
  if (typeof forwarded !== "string") return null;
  const last = forwarded.split(",").at(-1)?.trim();
  return last ? last : null;
}
