import { afterAll, describe, expect, it } from "vitest";
import { catalog } from "@/lib/jobs/catalog";
import { queueManager } from "@/lib/jobs/queue-manager";
import type { WorkerManager } from "@/worker/worker-manager";
import { startTestWorker, waitFor } from "../helpers/worker";
import { documentedResult } from "../helpers/documented-jobs";

const workers: WorkerManager[] = [];

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop(5_000)));
});

describe("rate limits", () => {
  it("hold across worker processes: two workers together stay within the sync queue's limit", async () => {
    const { max, durationMs } = catalog.sync.rateLimit!;
    const finishedAt: number[] = [];
    // processedOn is stamped when BullMQ moves the job to active, the moment the limiter counts,
    // so a busy test machine delaying the processor itself does not blur the windows.
    const processor = { run: async (job: { processedOn: number }) => (finishedAt.push(job.processedOn), documentedResult("sync")) };
    // Two managers with their own Redis connections behave as two processes would: the limiter
    // lives in Redis, not in either of them.
    workers.push(await startTestWorker(["sync"], { sync: processor }, { settings: { sync: { concurrency: 5 } } }));
    workers.push(await startTestWorker(["sync"], { sync: processor }, { settings: { sync: { concurrency: 5 } } }));
    const total = max * 2 + 5;
    await queueManager()
      .queue("sync")
      .addBulk(
        Array.from({ length: total }, (_, index) => ({
          name: "sync",
          data: { integrationId: `erp-${index}`, dataTypes: ["orders"], force: false },
        })),
      );
    await waitFor(() => finishedAt.length === total, 20_000);
    finishedAt.sort((a, b) => a - b);
    // BullMQ's limiter counts fixed windows shared by every worker: any `max + 1` jobs span two
    // windows, so they are far apart in time; unlimited, all of them would be done in ~100 ms.
    for (let index = max; index < finishedAt.length; index++) {
      expect(finishedAt[index]! - finishedAt[index - max]!).toBeGreaterThanOrEqual(durationMs * 0.5);
    }
    expect(finishedAt.at(-1)! - finishedAt[0]!).toBeGreaterThanOrEqual(durationMs * 1.5);
  });
});
