import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketStart, LEVEL_NAMES, metricsKey } from "@/lib/metrics/buckets";
import { recordJobOutcome, recordJobsAdded } from "@/lib/metrics/job-metrics";
import { readMetricsSeries, readQueueRates } from "@/lib/metrics/read-metrics";
import { createRedis, type RedisClient } from "@/lib/redis";

/** The workers' metrics buckets in real Redis: what one outcome writes and what the charts read back. */
let redis: RedisClient;
const prefix = process.env.REDIS_PREFIX!;
const minute = 60_000;
// A clock 30 s into the current minute, so bucket maths is exact. Not a fixed date: buckets expire
// at absolute times (EXPIREAT), so a date in the past would be deleted as soon as it is written.
const now = Math.floor(Date.now() / minute) * minute + 30_000;
const iso = (ms: number) => new Date(ms).toISOString();
const minuteOf = (ms: number) => Math.floor(ms / minute) * minute;

beforeAll(() => {
  redis = createRedis("worker");
});

afterAll(() => {
  redis.disconnect();
});

describe("recording", () => {
  it("counts an outcome into the minute, quarter and hour bucket, each with an expiry", async () => {
    await recordJobOutcome(redis, prefix, { queue: "sync", status: "completed", final: true, waitMs: 7, runMs: 1_500, at: now });
    for (const level of LEVEL_NAMES) {
      const key = metricsKey(prefix, "sync", level, bucketStart(now, level));
      expect(await redis.hgetall(key)).toEqual({ ok: "1", w1: "1", r8: "1" });
      expect(await redis.ttl(key)).toBeGreaterThan(0);
    }
  });

  it("tells final failures from retried attempts and skips unknown durations", async () => {
    await recordJobOutcome(redis, prefix, { queue: "import", status: "failed", final: false, waitMs: null, runMs: 40, at: now });
    await recordJobOutcome(redis, prefix, { queue: "import", status: "failed", final: true, waitMs: null, runMs: null, at: now });
    const key = metricsKey(prefix, "import", "minute", bucketStart(now, "minute"));
    expect(await redis.hgetall(key)).toEqual({ retry: "1", fail: "1", r3: "1" });
  });

  it("counts jobs added, ignoring a count of zero", async () => {
    await recordJobsAdded(redis, prefix, "export", 3, now);
    await recordJobsAdded(redis, prefix, "export", 0, now);
    expect(await redis.hget(metricsKey(prefix, "export", "hour", bucketStart(now, "hour")), "in")).toBe("3");
  });
});

describe("reading", () => {
  it("returns 60 minute points for the hour range with counts, rates and percentiles per bucket", async () => {
    const at = now - 10 * minute;
    for (let index = 0; index < 9; index++) {
      await recordJobOutcome(redis, prefix, { queue: "analytics", status: "completed", final: true, waitMs: 150, runMs: 1_500, at });
    }
    await recordJobOutcome(redis, prefix, { queue: "analytics", status: "failed", final: true, waitMs: 150, runMs: 80, at });
    const series = await readMetricsSeries(redis, prefix, { queue: "analytics", range: "hour", now });
    expect(series.points).toHaveLength(60);
    expect(series.bucketMs).toBe(minute);
    const point = series.points.find((candidate) => candidate.at === iso(minuteOf(at)))!;
    expect(point).toMatchObject({ completed: 9, failed: 1, completedPerMinute: 9, failedPerMinute: 1 });
    // 10 waits in (100, 200]: p50 = 100 + 0.5 × 100
    expect(point.waitP50).toBe(150);
    expect(point.waitP95).toBe(195);
    // runs: one in (50,100], nine in (1000,2000]; p50 rank 5 → 4th of 9 in the upper slot
    expect(point.runP50).toBe(1_000 + Math.round((4 / 9) * 1_000));
    expect(series.points.at(-1)!.at).toBe(iso(minuteOf(now)));
    expect(series.totals).toMatchObject({ completed: 9, failed: 1, waitP50: 150 });
  });

  it("sums every queue for 'all' and reads the quarter and hour levels for day and week", async () => {
    await recordJobOutcome(redis, prefix, { queue: "notification", status: "completed", final: true, waitMs: 1, runMs: 1, at: now - 3 * 3_600_000 });
    const all = await readMetricsSeries(redis, prefix, { queue: "all", range: "day", now });
    expect(all.points).toHaveLength(96);
    expect(all.bucketMs).toBe(15 * minute);
    // sync 1 + analytics 9 + notification 1 completed today
    expect(all.totals.completed).toBe(11);
    expect(all.totals.failed).toBe(2);
    const week = await readMetricsSeries(redis, prefix, { queue: "notification", range: "week", now });
    expect(week.points).toHaveLength(168);
    expect(week.points.find((point) => point.at === iso(bucketStart(now - 3 * 3_600_000, "hour")))?.completed).toBe(1);
  });

  it("computes in/out rates over the last five minutes and the failure rate over the last hour", async () => {
    // 30 s into the current minute → 4.5 minutes covered.
    await recordJobsAdded(redis, prefix, "optimization", 9, now - 2 * minute);
    for (let index = 0; index < 3; index++) await recordJobOutcome(redis, prefix, { queue: "optimization", status: "completed", final: true, waitMs: 1, runMs: 1, at: now - minute });
    await recordJobOutcome(redis, prefix, { queue: "optimization", status: "failed", final: false, waitMs: 1, runMs: 1, at: now });
    await recordJobOutcome(redis, prefix, { queue: "optimization", status: "failed", final: true, waitMs: 1, runMs: 1, at: now - 30 * minute });
    const rates = await readQueueRates(redis, prefix, now);
    expect(rates.optimization).toEqual({ inPerMinute: 2, outPerMinute: 0.67, failureRate: 0.25, completedLastHour: 3, failedLastHour: 1 });
    expect(rates.forecast).toEqual({ inPerMinute: 0, outPerMinute: 0, failureRate: null, completedLastHour: 0, failedLastHour: 0 });
  });
});
