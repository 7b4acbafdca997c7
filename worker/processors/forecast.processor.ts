import { UnrecoverableError } from "bullmq";
import { FORECAST_MODELS } from "../../lib/jobs/catalog";
import { MIN_HISTORY, preprocess, type ModelKey } from "../../lib/forecasting";
import { dailySeries, forecastDates } from "../../lib/forecasting/daily-series";
import { forecastRecord, loadDailySales, saveForecast } from "../../lib/forecasts/forecast-store";
import type { Processor } from "../job-context";

/** Loads a product's daily sales, runs the models in a task thread, saves the forecast. */
export const forecastProcessor: Processor<"forecast"> = async (job, context) => {
  const { productId, horizon } = job.data;
  const models: ModelKey[] = job.data.models[0] === "all" ? [...FORECAST_MODELS] : (job.data.models as ModelKey[]);

  await context.progress(10, "Loading historical data");
  const product = await context.db.product.findUnique({ where: { id: productId }, select: { id: true, sku: true } });
  if (!product) throw new UnrecoverableError(`Product ${productId} does not exist`);
  const sales = await loadDailySales(context.db, productId);
  if (sales.length < MIN_HISTORY) {
    throw new UnrecoverableError(
      `Product ${product.sku} has ${sales.length} days of sales history; a forecast needs at least ${MIN_HISTORY}`,
    );
  }

  await context.progress(20, "Preprocessing data");
  const history = dailySeries(sales);
  const cleaned = preprocess(history.values);

  await context.progress(30, "Running forecast models");
  const result = await context.threads.run("forecast", [cleaned.values, { horizon, models }], context.signal);

  await context.progress(60, "Calculating ensemble");
  const dates = forecastDates(history.end, horizon);
  const predictions = result.predictions.map((value, index) => ({ date: dates[index]!, value }));

  await context.progress(80, "Calculating accuracy");
  const accuracy = {
    ensembleMape: result.ensembleMape,
    models: Object.fromEntries(result.models.map((model) => [model.key, model.mape])),
  };

  await context.progress(90, "Saving results");
  const forecastId = await saveForecast(
    context.db,
    forecastRecord({ jobId: job.id!, productId, horizon, models, history, dates, result }),
    context.signal,
  );

  await context.progress(100, "Complete");
  return {
    success: true,
    forecastId,
    productId,
    horizon,
    accuracy,
    predictions: predictions.map((point) => ({ date: point.date.toISOString().slice(0, 10), value: point.value })),
  };
};
