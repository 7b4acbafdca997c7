import { describe, expect, it } from "vitest";
import { fitDrift, fitSeasonalNaive } from "../../lib/forecasting/benchmarks";
import { AIR_PASSENGERS } from "./fixtures/air-passengers";

// Definitions from Hyndman & Athanasopoulos, Forecasting: Principles and Practice (3rd ed.), §5.2.
describe("seasonal naive benchmark", () => {
  it("repeats the last season, again and again beyond one season", () => {
    const to1958 = AIR_PASSENGERS.slice(0, 120);
    const fit = fitSeasonalNaive(to1958, 30, 12);
    const year1958 = AIR_PASSENGERS.slice(108, 120);
    expect(fit.method).toBe("seasonal-naive-12");
    expect(fit.predictions).toEqual([...year1958, ...year1958, ...year1958.slice(0, 6)]);
  });

  it("is the naive forecast, the last value repeated, without a season", () => {
    const fit = fitSeasonalNaive([4, 8, 15, 16, 23, 42], 3, null);
    expect(fit.method).toBe("naive");
    expect(fit.predictions).toEqual([42, 42, 42]);
  });
});

describe("drift benchmark", () => {
  it("extends the line through the first and last observations", () => {
    const fit = fitDrift([5, 9, 2, 7, 11], 3);
    // Slope (11 − 5) / (5 − 1) = 1.5 per step from the last value.
    expect(fit.params.slope).toBe(1.5);
    expect(fit.predictions).toEqual([12.5, 14, 15.5]);
  });

  it("follows AirPassengers' average monthly growth", () => {
    const fit = fitDrift(AIR_PASSENGERS, 12);
    const slope = (432 - 112) / 143;
    fit.predictions.forEach((p, h) => expect(p).toBeCloseTo(432 + slope * (h + 1), 10));
  });
});
