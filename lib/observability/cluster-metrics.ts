import type { RedisClient } from "../redis";
import type { Metric, Registry } from "prom-client";
import { db as defaultDb, type Db } from "../db";
import { env } from "../env";
import { databaseHealth } from "../health";
import { QUEUE_KEYS, type QueueKey } from "../jobs/catalog";
import { queueManager, type QueueManager, type QueueStats } from "../jobs/queue-manager";
import { listWorkers } from "../jobs/worker-registry";
import { DURATION_BOUNDS_MS } from "../metrics/histogram";
import { jobTotalsKey, parseJobTotals, type JobTotals } from "../metrics/job-metrics";
import { healthCheck, sharedRedis } from "../redis";

/**
 * Metrics of the whole cluster, read from Redis and PostgreSQL when Prometheus scrapes.
 *
 * Why at scrape time and not a metrics port per worker: workers come and go (1..N processes on
 * 1..N hosts, SIGKILLed, restarted), and a per-process registry would need every one of them
 * discovered as a scrape target and would lose its counts with the process. Everything a worker
 * learns already goes to Redis: queue states are BullMQ's own sets, and each outcome is counted
 * into a never-expiring totals hash per queue (lib/metrics/job-metrics.ts) in the pipeline the
 * worker sends for the dashboard anyway — no extra round trip per job. So any web instance can
 * answer for the cluster, and the worker stays free of HTTP.
 *
 * Every web instance reports the same cluster series (queue counts, job totals and durations):
 * scrape one instance for them (`?scope=cluster`) or aggregate with `max by (queue, …)`, not
 * `sum`. HTTP and SSE series are the instance's own (lib/observability/metrics-registry.ts).
 *
 * A snapshot is cached for a few seconds and shared by concurrent scrapes, so N Prometheus
 * replicas scraping M instances cost Redis about M reads per interval, whatever N is.
 */
export interface ClusterSnapshot {
  redis: { up: boolean; latencyMs: number | null };
  database: { up: boolean; latencyMs: number | null };
  /** Null when Redis is down: the series are left out rather than reported as zero. */
  queues: QueueSnapshot[] | null;
}

export interface QueueSnapshot {
  key: QueueKey;
  stats: QueueStats;
  totals: JobTotals;
  /** Live worker processes serving the queue (heartbeats). */
  workers: number;
}

export interface ClusterSources {
  manager?: QueueManager;
  redis?: RedisClient;
  prefix?: string;
  db?: Db;
}

export async function readClusterSnapshot({ manager = queueManager(), redis = sharedRedis(), prefix = env().REDIS_PREFIX, db = defaultDb() }: ClusterSources = {}): Promise<ClusterSnapshot> {
  const [redisHealth, database] = await Promise.all([healthCheck(redis), withDeadline(databaseHealth(db), HEALTH_DEADLINE_MS, { healthy: false, latency: null })]);
  const queues = redisHealth.healthy ? await readQueues(manager, redis, prefix).catch(() => null) : null;
  return {
    redis: { up: redisHealth.healthy, latencyMs: redisHealth.latency },
    database: { up: database.healthy, latencyMs: database.latency },
    queues,
  };
}

/** Like the Redis PING's deadline: a scrape must answer "down" well within Prometheus's timeout, not hang with the database. */
const HEALTH_DEADLINE_MS = 2_000;

function withDeadline<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function readQueues(manager: QueueManager, redis: RedisClient, prefix: string): Promise<QueueSnapshot[]> {
  const pipeline = redis.pipeline();
  for (const key of QUEUE_KEYS) pipeline.hgetall(jobTotalsKey(prefix, key));
  const [stats, totals, workers] = await Promise.all([manager.allStats(), pipeline.exec(), listWorkers(redis, prefix)]);
  return QUEUE_KEYS.map((key, index) => {
    const [error, hash] = totals?.[index] ?? [null, null];
    if (error) throw error;
    return {
      key,
      stats: stats[index]!,
      totals: parseJobTotals(hash as Record<string, string>),
      workers: workers.filter((worker) => worker.queues.includes(key)).length,
    };
  });
}

/** One snapshot at a time, reused for `ttlMs`: concurrent and back-to-back scrapes share it. */
export function cachedSnapshot(read: () => Promise<ClusterSnapshot>, ttlMs: number): () => Promise<ClusterSnapshot> {
  let current: { promise: Promise<ClusterSnapshot>; at: number } | undefined;
  return () => {
    const now = Date.now();
    if (!current || now - current.at >= ttlMs) {
      const promise = read();
      current = { promise, at: now };
      // A failed read is not cached: the next scrape tries again.
      promise.catch(() => {
        if (current?.promise === promise) current = undefined;
      });
    }
    return current.promise;
  };
}

type Sample = { labels: Record<string, string | number>; value: number; metricName?: string };

/**
 * A metric whose samples come from the snapshot. prom-client's own Counter and Histogram only
 * count what this process observes; these series were counted elsewhere, so they are handed to
 * the registry as ready values (the `get()` shape its text encoder reads).
 */
function snapshotMetric(name: string, help: string, type: "gauge" | "counter" | "histogram", samples: (snapshot: ClusterSnapshot) => Sample[], snapshot: () => Promise<ClusterSnapshot>): Metric {
  return {
    name,
    help,
    type,
    aggregator: "max",
    get: async () => ({ name, help, type, aggregator: "max", values: samples(await snapshot()) }),
  } as unknown as Metric;
}

/** Seconds, rounded to the µs: ms / 1000 in binary floating point prints as 0.037079999999999995. */
const msToSeconds = (ms: number) => Math.round(ms * 1000) / 1_000_000;

const BOUNDS_SECONDS = DURATION_BOUNDS_MS.map(msToSeconds);

/** Prometheus histogram samples (cumulative buckets, sum, count) from per-slot counts in ms. */
function histogramSamples(name: string, labels: Record<string, string>, slots: number[], sumMs: number): Sample[] {
  const samples: Sample[] = [];
  let cumulative = 0;
  BOUNDS_SECONDS.forEach((le, slot) => {
    cumulative += slots[slot] ?? 0;
    samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
  });
  cumulative += slots[BOUNDS_SECONDS.length] ?? 0;
  samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le: "+Inf" }, value: cumulative });
  samples.push({ metricName: `${name}_sum`, labels, value: msToSeconds(sumMs) });
  samples.push({ metricName: `${name}_count`, labels, value: cumulative });
  return samples;
}

const QUEUE_STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;

/** Registers the cluster metric families; `snapshot` is read once per scrape however many families use it. */
export function registerClusterMetrics(registry: Registry, snapshot: () => Promise<ClusterSnapshot>): void {
  const perQueue = (pick: (queue: QueueSnapshot) => Sample[]) => (s: ClusterSnapshot) => (s.queues ?? []).flatMap(pick);
  const metrics: Metric[] = [
    snapshotMetric(
      "capliquify_queue_jobs",
      "Jobs in a queue by state (waiting includes prioritized; completed and failed are those Redis still keeps)",
      "gauge",
      perQueue((q) => QUEUE_STATES.map((state) => ({ labels: { queue: q.key, state }, value: q.stats[state] }))),
      snapshot,
    ),
    snapshotMetric("capliquify_queue_paused", "1 while the queue is paused", "gauge", perQueue((q) => [{ labels: { queue: q.key }, value: q.stats.isPaused ? 1 : 0 }]), snapshot),
    snapshotMetric("capliquify_queue_workers", "Live worker processes serving the queue", "gauge", perQueue((q) => [{ labels: { queue: q.key }, value: q.workers }]), snapshot),
    snapshotMetric("capliquify_jobs_added_total", "Jobs added through the app (API, duplicates); not those added by bull-board or raw BullMQ", "counter", perQueue((q) => [{ labels: { queue: q.key }, value: q.totals.added }]), snapshot),
    snapshotMetric("capliquify_jobs_completed_total", "Jobs completed, all worker processes", "counter", perQueue((q) => [{ labels: { queue: q.key }, value: q.totals.completed }]), snapshot),
    snapshotMetric("capliquify_jobs_failed_total", "Jobs that failed their last attempt (in the failed set), all worker processes", "counter", perQueue((q) => [{ labels: { queue: q.key }, value: q.totals.failed }]), snapshot),
    snapshotMetric("capliquify_job_retries_total", "Attempts that failed and were retried, all worker processes", "counter", perQueue((q) => [{ labels: { queue: q.key }, value: q.totals.retried }]), snapshot),
    snapshotMetric(
      "capliquify_job_duration_seconds",
      "Run time of job attempts by outcome (completed, failed), all worker processes",
      "histogram",
      perQueue((q) => (["completed", "failed"] as const).flatMap((outcome) => histogramSamples("capliquify_job_duration_seconds", { queue: q.key, outcome }, q.totals.run[outcome].slots, q.totals.run[outcome].sumMs))),
      snapshot,
    ),
    snapshotMetric(
      "capliquify_job_wait_seconds",
      "Time a job waited from ready to its first attempt, all worker processes",
      "histogram",
      perQueue((q) => histogramSamples("capliquify_job_wait_seconds", { queue: q.key }, q.totals.wait.slots, q.totals.wait.sumMs)),
      snapshot,
    ),
    snapshotMetric("capliquify_redis_up", "1 when Redis answers PING from this web instance", "gauge", (s) => [{ labels: {}, value: s.redis.up ? 1 : 0 }], snapshot),
    snapshotMetric("capliquify_redis_ping_seconds", "PING round trip to Redis", "gauge", (s) => (s.redis.latencyMs === null ? [] : [{ labels: {}, value: msToSeconds(s.redis.latencyMs) }]), snapshot),
    snapshotMetric("capliquify_database_up", "1 when PostgreSQL answers select 1 from this web instance", "gauge", (s) => [{ labels: {}, value: s.database.up ? 1 : 0 }], snapshot),
    snapshotMetric("capliquify_database_ping_seconds", "select 1 round trip to PostgreSQL", "gauge", (s) => (s.database.latencyMs === null ? [] : [{ labels: {}, value: msToSeconds(s.database.latencyMs) }]), snapshot),
  ];
  for (const metric of metrics) registry.registerMetric(metric);
}
