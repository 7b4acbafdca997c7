import { randomUUID } from "node:crypto";
import type { Db } from "../db";
import { inTransaction, sqlPool } from "../db";
import type { ForecastResult } from "../forecasting";

/**
 * The forecast worker's reads and writes, in plain SQL: they run once per forecast job, and
 * through Prisma they cost several times the CPU of the forecast maths (see `npm run bench`).
 */
export async function loadDailySales(db: Db, productId: string): Promise<{ date: Date; quantity: number }[]> {
  const { rows } = await sqlPool(db).query<{ day: string; quantity: number }>(
    `SELECT to_char("date", 'YYYY-MM-DD') AS day, "quantity" FROM "SalesDaily" WHERE "productId" = $1 ORDER BY "date"`,
    [productId],
  );
  return rows.map((row) => ({ date: new Date(`${row.day}T00:00:00Z`), quantity: row.quantity }));
}

export interface NewForecast {
  jobId: string;
  productId: string;
  horizon: number;
  models: string[];
  seasonLength: number | null;
  ensembleMape: number | null;
  baselineMape: number | null;
  historyStart: Date;
  historyEnd: Date;
  points: { date: Date; value: number; lower: number | null; upper: number | null }[];
  modelResults: { model: string; method: string; mape: number | null; weight: number; params: Record<string, number>; predictions: number[] }[];
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The rows to save for a forecast result, as the worker stores them. */
export function forecastRecord(input: {
  jobId: string;
  productId: string;
  horizon: number;
  models: string[];
  history: { start: Date; end: Date };
  dates: Date[];
  result: ForecastResult;
}): NewForecast {
  const { result } = input;
  return {
    jobId: input.jobId,
    productId: input.productId,
    horizon: input.horizon,
    models: input.models,
    seasonLength: result.seasonLength,
    ensembleMape: result.ensembleMape,
    baselineMape: result.seasonalNaiveMape,
    historyStart: input.history.start,
    historyEnd: input.history.end,
    points: result.predictions.map((value, index) => ({
      date: input.dates[index]!,
      value,
      lower: result.lower[index] ?? null,
      upper: result.upper[index] ?? null,
    })),
    // A benchmark that took a share of the ensemble is stored beside the models, so the stored
    // weights add up to the forecast that was saved.
    modelResults: [...result.models, ...result.benchmarks.filter((benchmark) => benchmark.weight > 0)].map((model) => ({
      model: model.key,
      method: model.method,
      mape: model.mape,
      weight: model.weight,
      params: model.params,
      predictions: model.predictions,
    })),
  };
}

/**
 * Saves a forecast keyed by its job: a re-run replaces the job's earlier forecast. The signal is
 * checked as the last step before COMMIT, so an attempt that timed out while saving rolls back
 * instead of leaving a forecast behind a failed job.
 */
export async function saveForecast(db: Db, forecast: NewForecast, signal?: AbortSignal): Promise<string> {
  return inTransaction(db, async (client) => {
    await client.query(`DELETE FROM "Forecast" WHERE "jobId" = $1`, [forecast.jobId]);
    const id = randomUUID();
    await client.query(
      `INSERT INTO "Forecast" ("id", "jobId", "organizationId", "productId", "horizon", "models", "seasonLength", "ensembleMape", "baselineMape", "historyStart", "historyEnd", "createdAt")
       VALUES ($1, $2, (SELECT "organizationId" FROM "Product" WHERE "id" = $3), $3, $4, $5::text[], $6, $7, $8, $9::date, $10::date, (now() AT TIME ZONE 'UTC'))`,
      [
        id,
        forecast.jobId,
        forecast.productId,
        forecast.horizon,
        forecast.models,
        forecast.seasonLength,
        forecast.ensembleMape,
        forecast.baselineMape,
        day(forecast.historyStart),
        day(forecast.historyEnd),
      ],
    );
    await client.query(
      `INSERT INTO "ForecastPoint" ("forecastId", "date", "value", "lower", "upper")
       SELECT $1, * FROM unnest($2::date[], $3::float8[], $4::float8[], $5::float8[])`,
      [
        id,
        forecast.points.map((point) => day(point.date)),
        forecast.points.map((point) => point.value),
        forecast.points.map((point) => point.lower),
        forecast.points.map((point) => point.upper),
      ],
    );
    // Each model's predictions are an array, and unnest would flatten an array of arrays, so the
    // rows carry them as JSON and PostgreSQL turns each back into float8[].
    await client.query(
      `INSERT INTO "ForecastModel" ("forecastId", "model", "method", "mape", "weight", "params", "predictions")
       SELECT $1, m.model, m.method, m.mape, m.weight, m.params,
              ARRAY(SELECT jsonb_array_elements_text(m.predictions)::float8)
       FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[], $6::jsonb[], $7::jsonb[])
            AS m(model, method, mape, weight, params, predictions)`,
      [
        id,
        forecast.modelResults.map((model) => model.model),
        forecast.modelResults.map((model) => model.method),
        forecast.modelResults.map((model) => model.mape),
        forecast.modelResults.map((model) => model.weight),
        forecast.modelResults.map((model) => JSON.stringify(model.params)),
        forecast.modelResults.map((model) => JSON.stringify(model.predictions)),
      ],
    );
    signal?.throwIfAborted();
    return id;
  });
}
