import { describe, expect, it } from "vitest";
import { detectSeasonality } from "../../lib/forecasting/index";
import { AIR_PASSENGERS } from "./fixtures/air-passengers";
import { dailyDemand, gaussian } from "./fixtures/random";

describe("detectSeasonality", () => {
  it("finds the weekly pattern in daily demand", () => {
    expect(detectSeasonality(dailyDemand(1))).toBe(7);
    expect(detectSeasonality(dailyDemand(2, 90))).toBe(7);
  });

  it("finds 12 in AirPassengers with monthly candidates", () => {
    expect(detectSeasonality(AIR_PASSENGERS, [12])).toBe(12);
  });

  it("still finds the season when one observation is a huge outlier", () => {
    const series = dailyDemand(3, 120);
    series[60] *= 20;
    expect(detectSeasonality(series)).toBe(7);
  });

  it.each([1, 2, 3, 4, 5])("returns null for white noise (seed %i)", (seed) => {
    const noise = gaussian(seed);
    expect(detectSeasonality(Array.from({ length: 365 }, () => 50 + 5 * noise()))).toBeNull();
  });

  it("returns null for a random walk, whose correlation decays slowly at every lag", () => {
    const noise = gaussian(8);
    let level = 100;
    expect(detectSeasonality(Array.from({ length: 365 }, () => (level += noise())))).toBeNull();
  });

  it("returns null for constant or too-short series", () => {
    expect(detectSeasonality(new Array(100).fill(3))).toBeNull();
    expect(detectSeasonality(dailyDemand(4, 14))).toBeNull();
  });
});
