import { randomUUID } from "node:crypto";
import { createRedis, deleteKeysByPrefix, type RedisClient } from "@/lib/redis";

/** A hash-tagged key prefix of its own for one test, like the app's but never shared. */
export function testPrefix(): string {
  return `{test-${randomUUID().slice(0, 8)}}`;
}

/** Removes every key under a test prefix (bullmq's cleanup-queue, for a whole prefix). */
export async function removePrefix(prefix: string, client: RedisClient = createRedis("worker")): Promise<void> {
  await deleteKeysByPrefix(client, prefix);
  client.disconnect();
}
