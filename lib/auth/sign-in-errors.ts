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

/**
 * next-auth answers every refused credentials sign-in with 401; a throttled one becomes 429 with
 * Retry-After, so scripts and monitoring see it for what it is. The body is kept: the sign-in form
 * (next-auth's signIn) reads the error from it whatever the status.
 */
export async function throttledAsTooManyRequests(response: Response): Promise<Response> {
  if (response.status !== 401 || !response.headers.get("content-type")?.includes("application/json")) return response;
  const { url } = (await response.clone().json().catch(() => ({}))) as { url?: unknown };
  const retryAfter = typeof url === "string" ? signInRetryAfter(new URL(url, "http://localhost").searchParams.get("error")) : null;
  if (retryAfter === null) return response;
  const headers = new Headers(response.headers);
  headers.set("retry-after", String(retryAfter));
  return new Response(response.body, { status: 429, headers });
}
