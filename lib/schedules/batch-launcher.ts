import type { QueueKey } from "../jobs/catalog";
import type { Caller } from "../jobs/job-scope";

/** Which products a batch schedule's tick runs over. */
export type BatchScope = { productIds: string[] } | { category: string } | { all: true };

export type BatchLaunch = { ok: true; batchId: string; childCount: number } | { ok: false; message: string };

/**
 * How a batch schedule's tick starts its batch: one flow over the scope's products
 * (lib/jobs/batches.ts `enqueueBatch`, the bulk-forecast flows). The idempotency key is the tick's,
 * so a tick that runs twice starts one batch.
 */
export type BatchLauncher = (request: { queue: QueueKey; scope: BatchScope; data: Record<string, unknown>; owner: Caller; idempotencyKey: string }) => Promise<BatchLaunch>;

/**
 * The launcher batch schedules use; undefined until the bulk flows are part of the build, and
 * while it is, a schedule with a batch scope is refused when saved (never accepted and then
 * failing at every tick).
 */
export const batchLauncher: BatchLauncher | undefined = undefined;
