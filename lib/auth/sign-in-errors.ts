/**
 * How a throttled sign-in reaches the browser: next-auth passes the message authorize threw as
 * signIn's `error`, so it carries the seconds to wait. Client-safe: the sign-in form reads it.
 */
const THROTTLED = "TooManyAttempts";

export function throttledSignInError(retryAfterSeconds: number): string {
  return `${THROTTLED}:${retryAfterSeconds}`;
}

/** The seconds to wait before trying again, or null when the error is not a throttled sign-in. */
export function signInRetryAfter(error: string | null | undefined): number | null {
  const match = error ? new RegExp(`^${THROTTLED}:(\\d+)$`).exec(error) : null;
  return match ? Number(match[1]) : null;
}
