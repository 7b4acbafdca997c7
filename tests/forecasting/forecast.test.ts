import { describe, expect, it } from "vitest";
import {
  forecast,
  ForecastInputError,
  MIN_HISTORY,
  mape,
  MODEL_KEYS,
  type ForecastResult,
} from "../../lib/forecasting/index";
import { AIR_PASSENGERS } from "./fixtures/air-passengers";
import { dailyDemand, mulberry32 } from "./fixtures/random";

function expectWellFormed(result: ForecastResult, horizon: number): void {
  expect(result.predictions).toHaveLength(horizon);
  expect(result.lower).toHaveLength(horizon);
  expect(result.upper).toHaveLength(horizon);
  result.predictions.forEach((p, h) => {
    expect(Number.isFinite(p)).toBe(true);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(result.lower[h]).toBeGreaterThanOrEqual(0);
    expect(result.lower[h]).toBeLessThanOrEqual(p);
    expect(result.upper[h]).toBeGreaterThanOrEqual(p);
  });
  const candidates = [...result.models, ...result.benchmarks];
  for (const candidate of candidates) {
    expect(candidate.predictions).toHaveLength(horizon);
    candidate.predictions.forEach((p) => expect(p).toBeGreaterThanOrEqual(0));
    expect(candidate.weight).toBeGreaterThanOrEqual(0);
  }
  expect(result.benchmarks.map((b) => b.key)).toEqual(["seasonal-naive", "drift"]);
  expect(candidates.reduce((sum, m) => sum + m.weight, 0)).toBeCloseTo(1, 12);
}

describe("forecast", () => {
  it("beats seasonal naive on AirPassengers' last year", () => {
    const result = forecast(AIR_PASSENGERS, { horizon: 12, models: MODEL_KEYS, seasonLength: 12 });
    expectWellFormed(result, 12);
    expect(result.holdoutSize).toBe(12);
    expect(result.seasonLength).toBe(12);
    expect(result.models.map((m) => m.key)).toEqual(["ma", "linear", "exp", "seasonal"]);
    expect(result.models.find((m) => m.key === "exp")?.method).toBe("holt-winters-multiplicative");
    expect(result.ensembleMape).not.toBeNull();
    expect(result.seasonalNaiveMape).not.toBeNull();
    expect(result.ensembleMape as number).toBeLessThan(result.seasonalNaiveMape as number);
  });

  it("forecasts AirPassengers' 1959–1960 from 1949–1958 better than seasonal naive", () => {
    // The published split: train on the first ten years, test on the last two, season length 12.
    const train = AIR_PASSENGERS.slice(0, 120);
    const test = AIR_PASSENGERS.slice(120);
    const result = forecast(train, { horizon: 24, models: MODEL_KEYS, seasonLength: 12 });
    expectWellFormed(result, 24);
    // Seasonal naive from the data: 1958 repeated for both years (about 15.5 %: it misses two years of growth).
    const year1958 = train.slice(108);
    const seasonalNaiveMape = mape(test, [...year1958, ...year1958]) as number;
    expect(result.benchmarks[0].predictions).toEqual([...year1958, ...year1958]);
    const ensembleMape = mape(test, result.predictions) as number;
    expect(ensembleMape).toBeLessThanOrEqual(seasonalNaiveMape);
    // A sanity ceiling of ours, not a published figure: a forecast that follows the trend and the
    // multiplicative season should land well under seasonal naive.
    expect(ensembleMape).toBeLessThan(10);
    // On its own holdout (1957–1958) the ensemble is no worse than any candidate.
    const holdoutMapes = [...result.models, ...result.benchmarks].map((c) => c.mape as number);
    expect(result.ensembleMape as number).toBeLessThanOrEqual(Math.min(...holdoutMapes));
  });

  it("beats seasonal naive on daily demand with trend, weekly season and noise", () => {
    const series = dailyDemand(42);
    const result = forecast(series, { horizon: 30, models: MODEL_KEYS });
    expectWellFormed(result, 30);
    expect(result.seasonLength).toBe(7);
    expect(result.holdoutSize).toBe(30);
    expect(result.ensembleMape as number).toBeLessThan(result.seasonalNaiveMape as number);
    // The trend carries on: next month's mean is above last month's.
    const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(result.predictions)).toBeGreaterThan(mean(series.slice(-28)));
  });

  it("never forecasts negative demand for intermittent series", () => {
    const uniform = mulberry32(17);
    const sparse = Array.from({ length: 120 }, () => (uniform() < 0.85 ? 0 : Math.ceil(4 * uniform())));
    const result = forecast(sparse, { horizon: 28, models: MODEL_KEYS });
    expectWellFormed(result, 28);
  });

  it("floors a falling trend at zero", () => {
    const falling = Array.from({ length: 30 }, (_, t) => 100 - 3 * t);
    const result = forecast(falling, { horizon: 20, models: ["linear"] });
    expectWellFormed(result, 20);
    expect(result.predictions.at(-1)).toBe(0);
  });

  it("gives all weight to a model with zero holdout error", () => {
    const line = Array.from({ length: 40 }, (_, t) => 10 + 2 * t);
    const result = forecast(line, { horizon: 5, models: ["ma", "linear"], seasonLength: null });
    expect(result.models.find((m) => m.key === "linear")?.weight).toBe(1);
    result.predictions.forEach((p, h) => expect(p).toBeCloseTo(10 + 2 * (40 + h), 8));
  });

  it("skips the seasonal model when there is no seasonality", () => {
    const result = forecast(Array.from({ length: 60 }, (_, t) => 50 + (t % 2)), {
      horizon: 7,
      models: MODEL_KEYS,
      seasonLength: null,
    });
    expect(result.models.map((m) => m.key)).toEqual(["ma", "linear", "exp"]);
    expect(result.seasonLength).toBeNull();
  });

  it("uses the requested holdout and defaults it sensibly", () => {
    expect(forecast(dailyDemand(5), { horizon: 30, models: MODEL_KEYS, holdout: 14 }).holdoutSize).toBe(14);
    // Short horizon, seasonal: one full season is held out.
    expect(forecast(AIR_PASSENGERS, { horizon: 3, models: ["exp"], seasonLength: 12 }).holdoutSize).toBe(12);
    // Short series: at most 20% of it.
    expect(forecast(dailyDemand(5, 20), { horizon: 30, models: ["ma"], seasonLength: null }).holdoutSize).toBe(4);
  });

  it("rejects series shorter than MIN_HISTORY", () => {
    expect(() => forecast([1, 2, 3, 4, 5], { horizon: 3, models: MODEL_KEYS })).toThrow(ForecastInputError);
    expect(() => forecast([1, 2, 3, 4, 5], { horizon: 3, models: MODEL_KEYS })).toThrow(
      `forecast needs at least ${MIN_HISTORY} observations, got 5`,
    );
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects horizon %s", (horizon) => {
    expect(() => forecast(dailyDemand(1, 60), { horizon, models: MODEL_KEYS })).toThrow(ForecastInputError);
  });

  it("rejects bad options and non-finite data with clear messages", () => {
    const series = dailyDemand(1, 60);
    const options = { horizon: 7, models: MODEL_KEYS };
    expect(() => forecast(series, { ...options, models: [] })).toThrow(/at least one of ma, linear, exp, seasonal/);
    expect(() => forecast(series, { ...options, seasonLength: 40 })).toThrow(
      "seasonLength 40 needs at least 81 observations, got 60",
    );
    expect(() => forecast(series, { ...options, holdout: 55 })).toThrow(ForecastInputError);
    expect(() => forecast([...series.slice(0, 20), Number.NaN, ...series], options)).toThrow(/series\[20\]/);
    expect(() => forecast(series, { horizon: 7, models: ["seasonal"], seasonLength: null })).toThrow(
      ForecastInputError,
    );
  });

  it("widens the prediction interval with the horizon", () => {
    const result = forecast(dailyDemand(6), { horizon: 30, models: MODEL_KEYS });
    const width = result.upper.map((u, h) => u - result.lower[h]);
    expect(width[29]).toBeGreaterThan(width[0]);
  });
});
