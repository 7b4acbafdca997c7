import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker } from "bullmq";
import { db, sqlPool } from "@/lib/db";
import { queueDefinition, type QueueKey } from "@/lib/jobs/catalog";
import { failureFingerprint } from "@/lib/jobs/failure-fingerprint";
import { queueManager } from "@/lib/jobs/queue-manager";
import { createRedis } from "@/lib/redis";
import { DOCUMENTED_DATA } from "../helpers/documented-jobs";
import { waitFor } from "../helpers/worker";

/** Support for the failed-jobs desk tests (tests/api/failed*.int.test.ts, tests/worker/bulk*.int.test.ts). */

export interface SeedFailures {
  queue: QueueKey;
  name: string;
  count: number;
  /** The failure message of the i-th job. */
  message: (index: number) => string;
  ownerId?: string | null;
  /** When the jobs failed (ledger finishedAt). @defaultValue now */
  failedAt?: Date;
  /** Also fail the jobs in Redis (through a BullMQ worker), so they can be retried. @defaultValue true */
  inRedis?: boolean;
  /** Leave the fingerprint empty, as rows written before fingerprints existed. */
  withoutFingerprint?: boolean;
}

/**
 * Failed jobs as the platform leaves them: in BullMQ's failed set (failed for real by a worker
 * throwing UnrecoverableError) and in the ledger as FAILED with reason and fingerprint. The ledger
 * rows are written in one statement, so thousands of jobs take a second or two.
 */
export async function seedFailures(seed: SeedFailures): Promise<string[]> {
  const ids = Array.from({ length: seed.count }, () => randomUUID());
  const messages = ids.map((_, index) => seed.message(index));
  const failedAt = seed.failedAt ?? new Date();
  await sqlPool(db()).query(
    `INSERT INTO "JobRun" ("id", "queue", "name", "ownerId", "state", "data", "failedReason", "failureFingerprint", "attempts", "priority",
                           "createdAt", "startedAt", "finishedAt", "updatedAt")
     SELECT u."id", $2, $3, $4, 'FAILED', '{}'::jsonb, u."message", u."fingerprint", 1, 5,
            ($5::timestamptz AT TIME ZONE 'UTC'), ($5::timestamptz AT TIME ZONE 'UTC'), ($5::timestamptz AT TIME ZONE 'UTC'), ($5::timestamptz AT TIME ZONE 'UTC')
     FROM unnest($1::text[], $6::text[], $7::text[]) AS u("id", "message", "fingerprint")`,
    [
      ids,
      seed.queue,
      seed.name,
      seed.ownerId ?? null,
      failedAt.toISOString(),
      messages,
      messages.map((message) => (seed.withoutFingerprint ? null : failureFingerprint(seed.queue, seed.name, message))),
    ],
  );
  if (seed.inRedis === false) return ids;
  const queue = queueManager().queue(seed.queue);
  const before = await queue.getFailedCount();
  for (let start = 0; start < ids.length; start += 1_000) {
    await queue.addBulk(
      ids.slice(start, start + 1_000).map((id, offset) => ({
        name: seed.name,
        // Valid job data, so a retried job reaches the processor; failWith is extra, the payload ignores it.
        data: { ...DOCUMENTED_DATA[seed.queue], failWith: messages[start + offset], ownerId: seed.ownerId ?? null },
        opts: { jobId: id, priority: 5, attempts: 1 },
      })),
    );
  }
  const connection = createRedis("worker");
  const worker = new Worker(
    queueDefinition(seed.queue).name,
    async (job) => {
      throw new UnrecoverableError(job.data.failWith);
    },
    { connection, prefix: queueManager().prefix, concurrency: 200 },
  );
  try {
    await waitFor(async () => (await queue.getFailedCount()) >= before + ids.length, 60_000, 100);
  } finally {
    await worker.close();
    connection.disconnect();
  }
  return ids;
}

export const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3_600_000);

/** Removes every ledger row and bulk action, so each test sees only its own failures. */
export async function clearLedger(): Promise<void> {
  await sqlPool(db()).query(`DELETE FROM "JobRunEvent"; DELETE FROM "BulkAction"; DELETE FROM "JobRun"`);
}
