import { describe, expect, it } from "vitest";
import { fitExponentialSmoothing } from "../../lib/forecasting/exponential-smoothing";
import { holtWinters } from "../../lib/forecasting/index";
import { AIR_PASSENGERS } from "./fixtures/air-passengers";

// HoltWinters(AirPassengers, seasonal = "multiplicative") in R (stats).
const R_PARAMS = { alpha: 0.2755925, beta: 0.03269295, gamma: 0.8707292 };

describe("holtWinters", () => {
  it("reproduces R's multiplicative fit of AirPassengers from R's parameters", () => {
    const fit = holtWinters(AIR_PASSENGERS, { seasonLength: 12, seasonal: "multiplicative", ...R_PARAMS });
    expect(Math.abs(fit.level - 469.3232206)).toBeLessThan(1e-3);
    expect(Math.abs(fit.trend - 3.0215391)).toBeLessThan(1e-4);
    const [h1, h2, h3] = fit.forecast(3);
    expect(Math.abs(h1 - 447.06)).toBeLessThan(0.01);
    expect(Math.abs(h2 - 419.71)).toBeLessThan(0.01);
    expect(Math.abs(h3 - 464.87)).toBeLessThan(0.01);
    expect(fit.start).toBe(12);
    expect(fit.fitted).toHaveLength(132);
    expect(fit.seasonals).toHaveLength(12);
  });

  it("optimises the parameters at least as well as R's optimiser", () => {
    const ours = fitExponentialSmoothing(AIR_PASSENGERS, 3, 12);
    expect(ours.method).toBe("holt-winters-multiplicative");
    const sse = (p: Record<string, number>): number =>
      holtWinters(AIR_PASSENGERS, {
        seasonLength: 12,
        seasonal: "multiplicative",
        alpha: p.alpha,
        beta: p.beta,
        gamma: p.gamma,
      }).sse;
    expect(sse(ours.params)).toBeLessThanOrEqual(sse(R_PARAMS) * 1.001);
    expect(ours.params.alpha).toBeCloseTo(R_PARAMS.alpha, 2);
    expect(ours.params.gamma).toBeCloseTo(R_PARAMS.gamma, 1);
  });

  it("is the naive forecast for simple exponential smoothing with alpha = 1", () => {
    const series = [5, 9, 2, 7, 7, 3, 11, 4];
    const fit = holtWinters(series, { alpha: 1, beta: false, gamma: false });
    expect(fit.fitted).toEqual(series.slice(0, -1));
    expect(fit.forecast(3)).toEqual([4, 4, 4]);
    expect(fit.trend).toBe(0);
    expect(fit.seasonals).toEqual([]);
  });

  it("tracks an exact straight line with Holt's method whatever the smoothing", () => {
    const line = Array.from({ length: 20 }, (_, t) => 7 + 2.5 * t);
    const fit = holtWinters(line, { alpha: 0.4, beta: 0.2, gamma: false });
    fit.fitted.forEach((v, i) => expect(v).toBeCloseTo(line[i + 2], 10));
    expect(fit.forecast(2)[1]).toBeCloseTo(7 + 2.5 * 21, 10);
  });

  it("rejects series shorter than two seasons", () => {
    expect(() =>
      holtWinters(AIR_PASSENGERS.slice(0, 23), { seasonLength: 12, alpha: 0.5, beta: 0.1, gamma: 0.1 }),
    ).toThrow(/at least 24 observations, got 23/);
  });
});

describe("fitExponentialSmoothing", () => {
  it("picks a non-seasonal variant without a season length", () => {
    const fit = fitExponentialSmoothing(AIR_PASSENGERS, 5, null);
    expect(["ses", "holt"]).toContain(fit.method);
    expect(fit.params.gamma).toBeUndefined();
    expect(fit.predictions).toHaveLength(5);
  });

  it("refits the same variant from a previous fit", () => {
    const trained = fitExponentialSmoothing(AIR_PASSENGERS.slice(0, 132), 12, 12);
    const refit = fitExponentialSmoothing(AIR_PASSENGERS, 12, 12, trained);
    expect(refit.method).toBe(trained.method);
    expect(refit.predictions).toHaveLength(12);
  });
});
