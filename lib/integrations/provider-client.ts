import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "../retry-with-backoff";
import { ProviderAuthError, ProviderRequestError, ProviderUnavailableError, type ConnectorStats } from "./connector";
import type { RateLimiter } from "./rate-limiter";

/**
 * HTTP to a provider's API, under the integration's shared rate limit: every request takes a slot
 * of the bucket first; a 429 waits its `Retry-After` (seconds, possibly "2.0") plus jitter and
 * fills the shared bucket so the other processes wait too; a 5xx or a dropped connection is
 * retried with exponential backoff and full jitter. 401/403 throw ProviderAuthError at once.
 * Past the retries the error is ProviderUnavailableError: the job's own attempts (from the last
 * committed page) take over from there.
 */
export interface ProviderClientOptions {
  limiter: RateLimiter;
  /** Headers of every request (the credentials). Never logged or put in an error. */
  headers: Record<string, string>;
  /** Reads the provider's own bucket count from an answer, when it sends one. */
  observedUsage?: (response: Response) => number | undefined;
  /** Bucket capacity: what a 429 tells the shared bucket it is at. */
  capacity: number;
  /** Tries of one request that end in 429, 5xx or a network error. @defaultValue 6 */
  maxTries?: number;
  /** One request's own deadline. @defaultValue 30 s */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

export class ProviderClient {
  readonly stats: ConnectorStats = { requests: 0, throttled: 0, retried: 0 };

  constructor(private readonly options: ProviderClientOptions) {}

  /** GET `url` as JSON; the response is returned with its parsed body. */
  async getJson(url: string, signal: AbortSignal): Promise<{ response: Response; body: unknown }> {
    const { limiter, maxTries = 6, requestTimeoutMs = 30_000, fetch: fetchImpl = fetch } = this.options;
    // Only the path goes into messages: a query may carry a cursor, never a credential, but keep messages short.
    const where = new URL(url).pathname;
    for (let attempt = 1; ; attempt++) {
      for (let wait = await limiter.take(); wait > 0; wait = await limiter.take()) await sleep(wait, undefined, { signal });
      this.stats.requests++;
      let response: Response;
      try {
        response = await fetchImpl(url, { headers: { accept: "application/json", ...this.options.headers }, signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]) });
      } catch (error) {
        signal.throwIfAborted();
        if (attempt >= maxTries) throw new ProviderUnavailableError(`GET ${where} failed ${attempt} times: ${(error as Error).message}`);
        this.stats.retried++;
        await sleep(backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 }), undefined, { signal });
        continue;
      }
      const used = this.options.observedUsage?.(response);
      if (used !== undefined) await limiter.observe(used);
      if (response.ok) return { response, body: await response.json() };
      const text = await response.text().catch(() => "");
      if (response.status === 401 || response.status === 403) {
        throw new ProviderAuthError(`The provider refused the credentials (HTTP ${response.status} on GET ${where}); enter valid ones to sync again`);
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable) throw new ProviderRequestError(`GET ${where} answered HTTP ${response.status}: ${text.slice(0, 200)}`, response.status);
      if (attempt >= maxTries) throw new ProviderUnavailableError(`GET ${where} answered HTTP ${response.status} ${attempt} times`, response.status);
      this.stats.retried++;
      const retryAfterMs = retryAfter(response.headers.get("retry-after"));
      if (response.status === 429) {
        this.stats.throttled++;
        // Every process sharing the bucket backs off, not just this one.
        await limiter.observe(this.options.capacity);
      }
      // Retry-After is in seconds (Shopify writes "2.0"); jitter keeps processes from returning in step.
      const delay = retryAfterMs !== undefined ? retryAfterMs + Math.round(Math.random() * 250) : backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 });
      await sleep(delay, undefined, { signal });
    }
  }
}

/** `Retry-After` as ms: seconds ("2", "2.0") or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
