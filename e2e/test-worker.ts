import type { QueueKey } from "../lib/jobs/catalog";
import type { ProcessorMap } from "../worker/processor";
import { serverEnv } from "./e2e-env";

/**
 * A worker in the test's own process serving `queues` (ones the suite's worker leaves unserved),
 * on the suite's Redis and database, so what it does crosses processes as on a worker host.
 * Processors are loaded once the suite's environment is set. `start()` when the test is ready for
 * it to take jobs; `stop()` in a finally.
 */
export async function createTestWorker(queues: QueueKey[], loadProcessors: () => ProcessorMap | Promise<ProcessorMap>) {
  // Before the imports: the product's modules read their settings from the environment.
  Object.assign(process.env, serverEnv(), { LOG_LEVEL: "silent" });
  const [{ WorkerManager }, { createDb, disconnectDb }, { createRedis }, { default: pino }] = await Promise.all([
    import("../worker/worker-manager"),
    import("../lib/db"),
    import("../lib/redis"),
    import("pino"),
  ]);
  const processors = await loadProcessors();
  const db = createDb(serverEnv().DATABASE_URL);
  const manager = new WorkerManager({
    queues,
    processors,
    db,
    createConnection: () => createRedis("worker", serverEnv().REDIS_URL),
    prefix: serverEnv().REDIS_PREFIX,
    logger: pino({ level: "silent" }),
    heartbeatIntervalMs: 1_000,
    shutdownTimeoutMs: 5_000,
  });
  return {
    db,
    start: () => manager.start(),
    async stop() {
      await manager.stop(5_000);
      await disconnectDb(db);
    },
  };
}
