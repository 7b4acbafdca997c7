import { createHash } from "node:crypto";
import { enqueueBatch } from "../jobs/batches";
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
 * The launcher batch schedules use: one flow over the scope's products. The batch id is derived
 * from the tick's idempotency key, so a tick that runs again finds its batch instead of starting
 * a second one.
 */
export const batchLauncher: BatchLauncher | undefined = async ({ queue, scope, data, owner, idempotencyKey }) => {
  const batchId = `batch-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}`;
  const result = await enqueueBatch({ queue, scope, data, owner, batchId });
  if (result.ok) return { ok: true, batchId: result.batchId, childCount: result.children };
  const message =
    result.code === "invalid-payload" ? result.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") : result.code === "unconfirmed" ? "Redis did not confirm the batch" : result.message;
  return { ok: false, message };
};
