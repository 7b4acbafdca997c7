import { UnrecoverableError } from "bullmq";
import { FORECAST_MODELS, progressStep, type StepId } from "../../lib/jobs/catalog";
import { MIN_HISTORY, preprocess, type ModelKey } from "../../lib/forecasting";
import { dailySeries, forecastDates } from "../../lib/forecasting/daily-series";
import { forecastRecord, loadDailySales, saveForecast } from "../../lib/forecasts/forecast-store";
import type { Processor } from "../job-context";

/** Loads a product's daily sales, runs the models in a task thread, saves the forecast. */
export const forecastProcessor: Processor<"forecast"> = async (job, context) => {
  const { productId, horizon } = job.data;
  const report = (step: StepId<"forecast">) => {
    const { percent, message } = progressStep("forecast", step);
    return context.progress(percent, message);
  };
  const models: ModelKey[] = job.data.models[0] === "all" ? [...FORECAST_MODELS] : (job.data.models as ModelKey[]);

  await report("loading");
  const product = await context.db.product.findUnique({ where: { id: productId }, select: { id: true, sku: true } });
  if (!product) throw new UnrecoverableError(`Product ${productId} does not exist`);
  const sales = await loadDailySales(context.db, productId);
  if (sales.length < MIN_HISTORY) {
    throw new UnrecoverableError(
      `Product ${product.sku} has ${sales.length} days of sales history; a forecast needs at least ${MIN_HISTORY}`,
    );
  }

  await report("preprocessing");
  const history = dailySeries(sales);
  const cleaned = preprocess(history.values);

  await report("models");
  const result = await context.threads.run("forecast", [cleaned.values, { horizon, models }], context.signal);

  await report("ensemble");
  const dates = forecastDates(history.end, horizon);

  await report("accuracy");
  const modelAccuracy = Object.fromEntries(result.models.map((model) => [model.key, model.mape]));

  await report("saving");
  const forecastId = await saveForecast(
    context.db,
    forecastRecord({ jobId: job.id!, productId, horizon, models, history, dates, result }),
    context.signal,
  );

  await report("done");
  return {
    success: true,
    forecastId,
    productId,
    horizon,
    accuracy: result.ensembleMape,
    predictions: result.predictions.length,
    modelAccuracy,
    baselineAccuracy: result.seasonalNaiveMape,
  };
};
