import { isDatabaseUnavailableError } from "./db";

/**
 * Errors that say PostgreSQL is away or going away, not that the statement is wrong: connection
 * refused or cut (class 08), an administrator or crash shutdown and a server still starting
 * (57P01–57P03), too many connections (53300). A write failing with one of these lands once the
 * server is back, however long that takes; any other error is a bug or bad data that no retry heals.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (isDatabaseUnavailableError(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("08") || /^57P0[123]$/.test(code) || code === "53300" || code === "ETIMEDOUT" || code === "ECONNRESET");
}

export interface BackoffOptions {
  /** First wait. @defaultValue 100 ms */
  initialMs?: number;
  /** Longest wait between two tries. @defaultValue 5 s */
  maxMs?: number;
  /** Tries for an error that `isTransient` does not accept. @defaultValue 5 */
  maxAttempts?: number;
  /** Errors retried for as long as it takes (until `signal`). @defaultValue isTransientDatabaseError */
  isTransient?: (error: unknown) => boolean;
  /** Stops the retries; the last error is thrown. */
  signal?: AbortSignal;
  /** Told about each failed try before the wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Exponential backoff with full jitter, so processes that lost the database together do not return in step. */
export function backoffDelay(attempt: number, { initialMs = 100, maxMs = 5_000 }: Pick<BackoffOptions, "initialMs" | "maxMs"> = {}): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.max(initialMs / 2, Math.round(Math.random() * ceiling));
}

/** Runs `operation` until it succeeds: transient failures are retried until `signal` aborts, others `maxAttempts` times. */
export async function retryWithBackoff<T>(operation: () => Promise<T>, options: BackoffOptions = {}): Promise<T> {
  const { maxAttempts = 5, isTransient = isTransientDatabaseError, signal, onRetry } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (signal?.aborted || (!isTransient(error) && attempt >= maxAttempts)) throw error;
      const delayMs = backoffDelay(attempt, options);
      onRetry?.(error, attempt, delayMs);
      if (!(await sleep(delayMs, signal))) throw error;
    }
  }
}

/** Waits `ms`; false when `signal` aborted the wait. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
