import { sharedRedis } from "../redis";
import { queueDefinitions } from "./catalog";
import { queueManager as defaultQueueManager, type QueueManager, type QueueStats } from "./queue-manager";
import { queueSettings } from "./settings";
import { listWorkers } from "./worker-registry";

export interface QueueOverview extends QueueStats {
  label: string;
  description: string;
  concurrency: number;
  timeoutMs: number;
  rateLimit: { max: number; durationMs: number } | null;
  /** Live worker processes serving this queue. */
  workers: number;
}

/** Stats, settings and live worker count of every queue: what the overview page shows. */
export async function queueOverview({ queues = defaultQueueManager() }: { queues?: QueueManager } = {}): Promise<QueueOverview[]> {
  const [stats, workers] = await Promise.all([queues.allStats(), listWorkers(sharedRedis(), queues.prefix)]);
  return queueDefinitions.map((definition, index) => {
    const settings = queueSettings(definition.key);
    return {
      ...stats[index]!,
      label: definition.label,
      description: definition.description,
      concurrency: settings.concurrency,
      timeoutMs: settings.timeoutMs,
      rateLimit: settings.rateLimit ?? null,
      workers: workers.filter((worker) => worker.queues.includes(definition.key)).length,
    };
  });
}

