import type { QueueKey } from "./catalog";
import { isCluster, type RedisClient } from "../redis";

/**
 * Live worker processes, as they report themselves through Redis: each writes its status under
 * a key that expires, and keeps its id in a sorted set scored by the last beat. A process that
 * dies stops beating and drops out after three missed intervals.
 */
export interface WorkerHeartbeat {
  id: string;
  host: string;
  pid: number;
  queues: QueueKey[];
  concurrency: Partial<Record<QueueKey, number>>;
  startedAt: string;
  lastHeartbeat: string;
  jobsProcessed: number;
  jobsFailed: number;
  activeJobs: number;
  status: "running" | "restarting" | "stopping";
}

export function workersKey(prefix: string): string {
  return `${prefix}:workers`;
}

export function workerControlChannel(prefix: string): string {
  return `${prefix}:workers:control`;
}

/**
 * Listens on the workers' control channel with a subscriber connection of its own. On a cluster
 * the channel is sharded (SSUBSCRIBE/SPUBLISH): it lives in the prefix's slot, so a message goes
 * to that shard alone and the publisher learns how many processes received it. Plain PUBLISH on
 * a cluster is broadcast to every node and counts only the subscribers of the node it hit.
 */
export async function subscribeToWorkerControl(connection: RedisClient, prefix: string, onMessage: (message: string) => void): Promise<RedisClient> {
  const channel = workerControlChannel(prefix);
  if (isCluster(connection)) {
    const subscriber = connection.duplicate(undefined, { shardedSubscribers: true });
    subscriber.on("error", () => {});
    subscriber.on("smessage", (_channel: string, message: string) => onMessage(message));
    await subscriber.ssubscribe(channel);
    return subscriber;
  }
  const subscriber = connection.duplicate();
  subscriber.on("error", () => {});
  subscriber.on("message", (_channel, message) => onMessage(message));
  await subscriber.subscribe(channel);
  return subscriber;
}

/** PUBLISH, or SPUBLISH on a cluster (see subscribeToWorkerControl), with the channel and the message. */
function controlMessage(redis: RedisClient, prefix: string, message: object) {
  return [isCluster(redis) ? "spublish" : "publish", workerControlChannel(prefix), JSON.stringify(message)] as const;
}

export async function writeHeartbeat(redis: RedisClient, prefix: string, beat: WorkerHeartbeat, intervalMs: number): Promise<void> {
  const ttlMs = intervalMs * 3;
  await redis
    .multi()
    .set(`${workersKey(prefix)}:${beat.id}`, JSON.stringify(beat), "PX", ttlMs)
    .zadd(workersKey(prefix), String(Date.now()), beat.id)
    .exec();
}

export async function removeHeartbeat(redis: RedisClient, prefix: string, id: string): Promise<void> {
  await redis.multi().del(`${workersKey(prefix)}:${id}`).zrem(workersKey(prefix), id).exec();
}

export async function listWorkers(redis: RedisClient, prefix: string): Promise<WorkerHeartbeat[]> {
  const ids = await redis.zrange(workersKey(prefix), "0", "-1");
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map((id) => `${workersKey(prefix)}:${id}`));
  const dead = ids.filter((_, index) => values[index] === null);
  if (dead.length > 0) await redis.zrem(workersKey(prefix), ...dead);
  return values.filter((value): value is string => value !== null).map((value) => JSON.parse(value) as WorkerHeartbeat);
}

/** Asks every running worker process to drain and restart; returns how many received it. */
export async function requestWorkerRestart(redis: RedisClient, prefix: string): Promise<number> {
  const [command, channel, message] = controlMessage(redis, prefix, { command: "restart", at: new Date().toISOString() });
  return (await redis[command](channel, message)) as number;
}

/** Set while a cancellation is pending, so a worker that missed the message still stops the job when it starts an attempt. */
export function cancelRequestKey(prefix: string, jobId: string): string {
  return `${prefix}:cancel:${jobId}`;
}

const CANCEL_REQUEST_TTL_SECONDS = 24 * 60 * 60;

/**
 * Asks whichever worker process runs `jobId` to stop it. Pub/sub reaches the running attempt at
 * once; the key covers a worker that was between messages or a job that stalls and is picked up
 * again. Returns how many worker processes received the message.
 */
export async function requestJobCancel(redis: RedisClient, prefix: string, jobId: string, reason: string): Promise<number> {
  // The key and the sharded channel share the prefix's hash tag, so one MULTI holds both on a cluster.
  const [command, channel, message] = controlMessage(redis, prefix, { command: "cancel", jobId, reason });
  const [, [, received]] = (await redis
    .multi()
    .set(cancelRequestKey(prefix, jobId), reason, "EX", CANCEL_REQUEST_TTL_SECONDS)
    [command](channel, message)
    .exec()) as [[Error | null, unknown], [Error | null, number]];
  return received;
}
