import { describe, expect, it } from "vitest";
import {
  abcClasses,
  averageOfEnds,
  averageOfSnapshots,
  coefficientOfVariation,
  demandMoments,
  errorSums,
  forecastAccuracy,
  fillRate,
  forecastBias,
  gmroi,
  inventoryTurnover,
  KpiInputError,
  sellThrough,
  stockoutRateByDemand,
  stockoutRateBySku,
  trackingSignal,
  xyzClass,
  xyzClassOfCv,
} from "@/lib/analytics/kpis";
import { mape } from "@/lib/forecasting/metrics";

describe("inventory turnover", () => {
  it("COGS 600,000 over an average inventory of 120,000: 5 turns, 73 days of inventory", () => {
    expect(inventoryTurnover(600_000, 120_000)).toEqual({ turns: 5, daysOfInventory: 73 });
  });

  it("average of begin 90,000 and end 110,000 with COGS 600,000: 6 turns, 60.8 days", () => {
    const { turns, daysOfInventory } = inventoryTurnover(600_000, averageOfEnds(90_000, 110_000));
    expect(turns).toBe(6);
    expect(daysOfInventory).toBeCloseTo(60.8, 1);
  });

  it("over a shorter period the days scale with it; no inventory gives no figure", () => {
    // A quarter (91 days) with COGS 150,000 on 120,000: 1.25 turns, 72.8 days.
    expect(inventoryTurnover(150_000, 120_000, 91).daysOfInventory).toBeCloseTo(72.8, 9);
    expect(inventoryTurnover(1_000, 0)).toEqual({ turns: null, daysOfInventory: null });
    expect(averageOfSnapshots([100, 120, 140])).toBe(120);
    expect(() => inventoryTurnover(-1, 10)).toThrow(KpiInputError);
  });
});

describe("GMROI", () => {
  it("revenue 100 m, COGS 35 m → margin 65 m; average inventory 20 m → 3.25", () => {
    expect(gmroi(100e6, 35e6, 20e6)).toBe(3.25);
    expect(gmroi(1, 1, 0)).toBeNull();
  });
});

describe("sell-through, stock-outs, fill rate", () => {
  it("sell-through (units sold ÷ units received): 650,000 of 1,000,000 = 65 %", () => {
    expect(sellThrough(650_000, 1_000_000)).toBe(0.65);
  });

  it("stock-out rate by SKU (100 of 2,000) and by demand (50 of 1,000 units): 5 % both", () => {
    expect(stockoutRateBySku(100, 2_000)).toBe(0.05);
    expect(stockoutRateByDemand(50, 1_000)).toBe(0.05);
  });

  it("fill rate by units 170/200 = 85 %, by lines 4/6 = 67 %, by orders 0/2 = 0 %", () => {
    expect(fillRate(170, 200)).toBe(0.85);
    expect(fillRate(4, 6)).toBeCloseTo(0.667, 3);
    expect(fillRate(0, 2)).toBe(0);
    expect(fillRate(0, 0)).toBeNull();
  });
});

describe("ABC / XYZ", () => {
  it("ranks by value; the class is set by the cumulative share including the item", () => {
    // Shares 50, 30, 10, 6, 4 %: cumulative 50, 80, 90, 96, 100 → A, A (exactly 80 % is A), B, C, C.
    const classes = abcClasses([
      { id: "d", value: 6 },
      { id: "a", value: 50 },
      { id: "c", value: 10 },
      { id: "e", value: 4 },
      { id: "b", value: 30 },
    ]);
    expect(classes.map((row) => [row.id, row.cumulativeShare, row.class])).toEqual([
      ["a", 0.5, "A"],
      ["b", 0.8, "A"],
      ["c", 0.9, "B"],
      ["d", 0.96, "C"],
      ["e", 1, "C"],
    ]);
    // Other cut-offs are settings.
    expect(abcClasses([{ id: "a", value: 70 }, { id: "b", value: 30 }], { a: 0.6, b: 0.9 }).map((row) => row.class)).toEqual(["B", "C"]);
  });

  it("XYZ by σ/μ (population σ) against configurable thresholds", () => {
    // 10, 10, 10, 10: CV 0 → X. 5, 15: μ 10, σ 5, CV 0.5 → Y at thresholds 0.5/1 (X needs < 0.5).
    expect(xyzClass([10, 10, 10, 10])).toEqual({ cv: 0, class: "X" });
    expect(xyzClass([5, 15])).toEqual({ cv: 0.5, class: "Y" });
    expect(xyzClass([0, 0, 30])).toMatchObject({ class: "Z" });
    expect(xyzClass([5, 15], { x: 0.1, y: 0.25 }).class).toBe("Z");
    expect(xyzClass([0, 0])).toEqual({ cv: null, class: "Z" });
  });
});

describe("forecast accuracy", () => {
  it("bias is the mean of actual − forecast; the tracking signal is the running error sum ÷ MAD with ±4 limits", () => {
    const actual = [100, 110, 120, 130];
    const forecast = [95, 100, 110, 115];
    // Errors 5, 10, 10, 15: sum 40, MAD 10 → signal 4.0, on the limit (in control); bias 10.
    expect(forecastBias(actual, forecast)).toBe(10);
    expect(trackingSignal(actual, forecast)).toEqual({ signal: 4, mad: 10, outOfControl: false });
    // One more period 20 low: sum 60, MAD 12 → 5, out of control.
    expect(trackingSignal([...actual, 140], [...forecast, 120])).toEqual({ signal: 5, mad: 12, outOfControl: true });
    expect(trackingSignal([...actual, 140], [...forecast, 120], 6).outOfControl).toBe(false);
  });
});

describe("moments and error sums (what PostgreSQL adds up)", () => {
  it("σ/μ from Σx and Σx² over n periods equals σ/μ of the series, periods without demand included", () => {
    // Weekly demand 10, 0, 15, 0 as the SQL sees it: two weeks with sales, four periods.
    expect(coefficientOfVariation({ periods: 4, sum: 25, sumOfSquares: 325 }).cv).toBeCloseTo(xyzClass([10, 0, 15, 0]).cv!, 12);
    // Constant demand: no rounding below zero, σ 0.
    expect(coefficientOfVariation(demandMoments([0.1, 0.1, 0.1]))).toMatchObject({ std: 0, cv: 0 });
    expect(xyzClassOfCv(null)).toBe("Z");
    expect(() => coefficientOfVariation({ periods: 0, sum: 0, sumOfSquares: 0 })).toThrow(KpiInputError);
  });

  it("MAPE skips zero actuals as the forecast worker's does; bias and the tracking signal use every point", () => {
    const actual = [10, 0, 30, 40];
    const forecast = [12, 5, 33, 30];
    const accuracy = forecastAccuracy(errorSums(actual, forecast));
    expect(accuracy.mape).toBeCloseTo(mape(actual, forecast)!, 12);
    // Errors −2, −5, −3, 10: sum 0, MAD 5.
    expect(accuracy).toMatchObject({ points: 4, bias: 0, mad: 5, trackingSignal: 0, outOfControl: false });
    expect(forecastAccuracy(errorSums([0, 0], [0, 0]))).toMatchObject({ mape: null, trackingSignal: null, outOfControl: false });
  });
});
