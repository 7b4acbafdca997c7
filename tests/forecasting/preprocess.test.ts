import { describe, expect, it } from "vitest";
import { ForecastInputError, preprocess } from "../../lib/forecasting/index";
import { dailyDemand, mulberry32 } from "./fixtures/random";

describe("preprocess", () => {
  it("fills gaps by linear interpolation and holds the ends", () => {
    const result = preprocess([null, 10, null, Number.NaN, 40, 40, undefined, 40, null], { seasonLength: null });
    expect(result.values).toEqual([10, 10, 20, 30, 40, 40, 40, 40, 40]);
    expect(result.filledGaps).toBe(5);
    expect(result.cappedOutliers).toBe(0);
  });

  it("fills gaps in a seasonal series from the same phase", () => {
    const weekly = Array.from({ length: 42 }, (_, t) => [100, 100, 100, 100, 100, 20, 20][t % 7] + (t % 3));
    const gappy: (number | null)[] = [...weekly];
    gappy[19] = null; // a low weekend day whose previous neighbour is a high weekday
    const result = preprocess(gappy, { seasonLength: 7 });
    expect(result.values[19]).toBeCloseTo((weekly[12] + weekly[26]) / 2, 10);
    expect(result.filledGaps).toBe(1);
  });

  it("caps an injected outlier and leaves the rest of a seasonal, trending series alone", () => {
    const clean = dailyDemand(11, 365);
    const spiked = [...clean];
    spiked[200] = clean[200] * 8;
    const result = preprocess(spiked);
    expect(result.cappedOutliers).toBe(1);
    expect(result.values[200]).toBeLessThan(clean[200] * 1.5);
    expect(result.values[200]).toBeGreaterThan(clean[200] * 0.9);
    result.values.forEach((v, t) => t !== 200 && expect(v).toBe(clean[t]));
  });

  it("does not mistake a strong weekly swing for outliers", () => {
    const noise = mulberry32(5);
    const weekly = Array.from({ length: 120 }, (_, t) => [100, 100, 100, 100, 100, 20, 20][t % 7] + 6 * noise());
    expect(preprocess(weekly).cappedOutliers).toBe(0);
  });

  it("keeps the zeros of intermittent demand and caps only a spike", () => {
    const uniform = mulberry32(9);
    const sparse = Array.from({ length: 200 }, () => (uniform() < 0.75 ? 0 : 3 + Math.round(6 * uniform())));
    sparse[120] = 400;
    const result = preprocess(sparse);
    expect(result.cappedOutliers).toBe(1);
    expect(result.values[120]).toBeLessThan(40);
    result.values.forEach((v, t) => t !== 120 && expect(v).toBe(sparse[t]));
  });

  it("clamps negative values to zero", () => {
    const result = preprocess([5, -3, 5, 6, 5, 4, 5, 6, 5], { seasonLength: null });
    expect(result.values[1]).toBe(0);
    expect(result.clampedNegatives).toBe(1);
    expect(Math.min(...result.values)).toBeGreaterThanOrEqual(0);
  });

  it("throws ForecastInputError when nothing was observed", () => {
    expect(() => preprocess([null, Number.NaN, null])).toThrow(ForecastInputError);
  });
});
