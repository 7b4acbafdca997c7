import { queueEnvOverrides } from "../env";
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, queueDefinition, type QueueKey } from "./catalog";

/** A queue's effective settings: catalogue defaults with QUEUE_CONCURRENCY_* / JOB_TIMEOUT_* applied. */
export interface QueueSettings {
  concurrency: number;
  timeoutMs: number;
  attempts: number;
  backoff: { type: "exponential"; delay: number };
  keepCompletedMs: number;
  keepFailedMs: number;
  rateLimit?: { max: number; durationMs: number };
}

export function queueSettings(key: QueueKey): QueueSettings {
  const definition = queueDefinition(key);
  const overrides = queueEnvOverrides(key);
  return {
    concurrency: overrides.concurrency ?? definition.concurrency,
    timeoutMs: overrides.timeoutMs ?? definition.timeoutMs,
    attempts: DEFAULT_ATTEMPTS,
    backoff: { ...DEFAULT_BACKOFF },
    keepCompletedMs: definition.keepCompletedMs,
    keepFailedMs: definition.keepFailedMs,
    rateLimit: definition.rateLimit,
  };
}
