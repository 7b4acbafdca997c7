import { describe, expect, it } from "vitest";
import { fitLinearTrend } from "../../lib/forecasting/linear-trend";
import { fitMovingAverage } from "../../lib/forecasting/moving-average";
import { fitSeasonalTrend } from "../../lib/forecasting/seasonal-trend";
import { AIR_PASSENGERS } from "./fixtures/air-passengers";

describe("linear regression model", () => {
  it("recovers the slope and intercept of an exact line and extrapolates it", () => {
    const line = Array.from({ length: 30 }, (_, t) => 12 - 0.75 * t);
    const fit = fitLinearTrend(line, 3);
    expect(fit.params.intercept).toBeCloseTo(12, 10);
    expect(fit.params.slope).toBeCloseTo(-0.75, 10);
    fit.predictions.forEach((p, h) => expect(p).toBeCloseTo(12 - 0.75 * (30 + h), 10));
  });
});

describe("moving average model", () => {
  it("forecasts a constant series as that constant", () => {
    const fit = fitMovingAverage(new Array(40).fill(42), 5, null);
    expect(fit.predictions).toEqual([42, 42, 42, 42, 42]);
  });

  it("averages a whole season when that removes the seasonal swing", () => {
    const weekly = Array.from({ length: 70 }, (_, t) => [50, 50, 50, 50, 50, 10, 10][t % 7]);
    const fit = fitMovingAverage(weekly, 2, 7);
    expect(fit.params.window % 7).toBe(0);
    expect(fit.method).toBe(`ma-${fit.params.window}`);
    expect(fit.predictions[0]).toBeCloseTo(270 / 7, 10);
  });
});

describe("seasonal decomposition model", () => {
  it("continues an exact trend-plus-season series exactly", () => {
    const pattern = [3, -1, 0, 4, -2, -2, -2];
    const series = Array.from({ length: 63 }, (_, t) => 20 + 0.5 * t + pattern[t % 7]);
    const fit = fitSeasonalTrend(series, 14, 7);
    expect(fit.method).toBe("decomposition-additive");
    fit.predictions.forEach((p, h) => {
      const t = 63 + h;
      expect(p).toBeCloseTo(20 + 0.5 * t + pattern[t % 7], 8);
    });
  });

  it("chooses the multiplicative form for AirPassengers", () => {
    expect(fitSeasonalTrend(AIR_PASSENGERS, 12, 12).method).toBe("decomposition-multiplicative");
  });
});
