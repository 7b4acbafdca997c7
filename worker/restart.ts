import { env } from "../lib/env";
import { requestWorkerRestart } from "../lib/jobs/worker-registry";
import { createRedis, describeRedisTarget } from "../lib/redis";

/** `npm run workers:restart` — asks every running worker process to drain and restart. */
const redis = createRedis("producer");
try {
  const received = await requestWorkerRestart(redis, env().REDIS_PREFIX);
  console.log(
    received === 0
      ? "No worker process is listening; nothing to restart."
      : `Restart requested: ${received} worker process(es) will finish their active jobs and restart.`,
  );
} catch (error) {
  console.error(`Could not reach ${describeRedisTarget()}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  redis.disconnect();
}
