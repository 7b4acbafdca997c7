import { describe, expect, it } from "vitest";
import {
  addBucket,
  bucketExpiry,
  bucketStart,
  bucketStarts,
  coveredMinutes,
  emptyBucket,
  metricsKey,
  parseBucket,
  ratePerMinute,
} from "@/lib/metrics/buckets";
import { DURATION_BOUNDS_MS, emptyHistogram, HISTOGRAM_SLOTS, percentile, slotOf } from "@/lib/metrics/histogram";

function histogramOf(values: number[]) {
  const histogram = emptyHistogram();
  for (const value of values) histogram[slotOf(value)]!++;
  return histogram;
}

describe("duration histogram", () => {
  it("puts a value in the first slot whose upper bound it does not exceed", () => {
    expect(slotOf(0)).toBe(0);
    expect(slotOf(5)).toBe(0);
    expect(slotOf(5.01)).toBe(1);
    expect(slotOf(10)).toBe(1);
    expect(slotOf(999)).toBe(7);
    expect(slotOf(1_000)).toBe(7);
    expect(slotOf(1_001)).toBe(8);
    expect(slotOf(3_600_000)).toBe(DURATION_BOUNDS_MS.length - 1);
    expect(slotOf(3_600_001)).toBe(HISTOGRAM_SLOTS - 1);
    expect(slotOf(-40)).toBe(0);
  });

  it("bounds are strictly increasing", () => {
    for (let index = 1; index < DURATION_BOUNDS_MS.length; index++) expect(DURATION_BOUNDS_MS[index]!).toBeGreaterThan(DURATION_BOUNDS_MS[index - 1]!);
  });

  it("interpolates percentiles linearly inside the slot holding the rank", () => {
    // slots: 3 → [0,5], 7 → (5,10], 15 → (10,20], 80 → (50,100]
    const histogram = histogramOf([3, 7, 15, 80]);
    // p50: rank 2 is the 1st (and only) value of slot (5,10] → its upper end
    expect(percentile(histogram, 0.5)).toBe(10);
    // p95: rank 3.8 lies 0.8 into slot (50,100] → 50 + 0.8 × 50
    expect(percentile(histogram, 0.95)).toBe(90);
    // p25: rank 1 ends slot [0,5]
    expect(percentile(histogram, 0.25)).toBe(5);
  });

  it("spreads many values of one slot across it", () => {
    // 10 values in (1000, 2000]: p50 → rank 5 of 10 → halfway
    const histogram = histogramOf(Array.from({ length: 10 }, () => 1_500));
    expect(percentile(histogram, 0.5)).toBe(1_500);
    expect(percentile(histogram, 0.95)).toBe(1_950);
    expect(percentile(histogram, 1)).toBe(2_000);
  });

  it("answers the last bound for ranks in the overflow slot and null when empty", () => {
    expect(percentile(histogramOf([5_000_000, 9_000_000]), 0.5)).toBe(3_600_000);
    expect(percentile(emptyHistogram(), 0.5)).toBeNull();
  });
});

describe("buckets", () => {
  const at = Date.UTC(2026, 10, 28, 14, 37, 42, 500);

  it("aligns bucket starts to the minute, quarter hour and hour", () => {
    expect(new Date(bucketStart(at, "minute")).toISOString()).toBe("2026-11-28T14:37:00.000Z");
    expect(new Date(bucketStart(at, "quarter")).toISOString()).toBe("2026-11-28T14:30:00.000Z");
    expect(new Date(bucketStart(at, "hour")).toISOString()).toBe("2026-11-28T14:00:00.000Z");
  });

  it("expires each bucket after its end plus the level's retention", () => {
    const minute = bucketStart(at, "minute");
    expect(bucketExpiry(minute, "minute") * 1000).toBe(minute + 60_000 + 3 * 3_600_000);
    const hour = bucketStart(at, "hour");
    expect(bucketExpiry(hour, "hour") * 1000).toBe(hour + 3_600_000 + 8 * 86_400_000);
  });

  it("lists the range's bucket starts oldest first, ending with the current bucket", () => {
    const starts = bucketStarts(at, "minute", 60);
    expect(starts).toHaveLength(60);
    expect(new Date(starts[0]!).toISOString()).toBe("2026-11-28T13:38:00.000Z");
    expect(new Date(starts[59]!).toISOString()).toBe("2026-11-28T14:37:00.000Z");
    expect(new Date(bucketStarts(at, "quarter", 96)[0]!).toISOString()).toBe("2026-11-27T14:45:00.000Z");
  });

  it("keys live under the hash-tagged prefix", () => {
    expect(metricsKey("{capliquify}", "forecast", "hour", 1000)).toBe("{capliquify}:metrics:forecast:hour:1000");
  });

  it("counts the covered minutes of a bucket: full when over, elapsed (at least 1) when current", () => {
    const quarter = bucketStart(at, "quarter"); // 14:30
    expect(coveredMinutes(quarter, "quarter", at)).toBeCloseTo(7 + 42.5 / 60, 10);
    expect(coveredMinutes(quarter - 15 * 60_000, "quarter", at)).toBe(15);
    expect(coveredMinutes(bucketStart(at, "minute"), "minute", bucketStart(at, "minute") + 5_000)).toBe(1);
  });

  it("rates jobs per minute over four full minutes plus the elapsed part of the current one", () => {
    // 30 s into the current minute: 4.5 minutes covered; 9 jobs → 2 per minute
    const now = bucketStart(at, "minute") + 30_000;
    expect(ratePerMinute([100, 2, 2, 2, 2, 1], now)).toBe(2);
    expect(ratePerMinute([0, 0, 0, 0, 0], now)).toBe(0);
  });

  it("parses and sums bucket hashes field by field", () => {
    const one = parseBucket({ in: "4", ok: "3", fail: "1", retry: "2", w0: "2", w7: "1", r3: "3" });
    const two = parseBucket({ ok: "1", w0: "1", r3: "1", r20: "1" });
    const sum = addBucket(addBucket(emptyBucket(), one), two);
    expect(sum.added).toBe(4);
    expect(sum.completed).toBe(4);
    expect(sum.failed).toBe(1);
    expect(sum.retried).toBe(2);
    expect(sum.wait[0]).toBe(3);
    expect(sum.wait[7]).toBe(1);
    expect(sum.run[3]).toBe(4);
    expect(sum.run[20]).toBe(1);
    expect(parseBucket({})).toEqual(emptyBucket());
  });
});
