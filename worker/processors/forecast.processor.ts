import { UnrecoverableError } from "bullmq";
import { FORECAST_MODELS } from "../../lib/jobs/catalog";
import { MIN_HISTORY, preprocess, type ModelKey } from "../../lib/forecasting";
import { dailySeries, forecastDates } from "../../lib/forecasting/daily-series";
import { forecastRecord, loadDailySales, saveForecast } from "../../lib/forecasts/forecast-store";
import { threadTasksModule, type Processor } from "../processor";

type ForecastTasks = typeof import("./forecast.tasks").threadTasks;

/** Loads a product's daily sales, runs the models in a task thread, saves the forecast. */
export const forecastProcessor: Processor<"forecast", ForecastTasks> = {
  threadTasks: threadTasksModule(new URL("./forecast.tasks.ts", import.meta.url)),
  async run(job, context) {
    const { productId, horizon } = job.data;
    const models: ModelKey[] = job.data.models[0] === "all" ? [...FORECAST_MODELS] : (job.data.models as ModelKey[]);

    await context.step("loading");
    // A run works for its organisation: another organisation's product is as absent as a deleted one.
    const { organizationId } = context.owner;
    const product = await context.db.product.findFirst({
      where: { id: productId, ...(organizationId ? { organizationId } : {}) },
      select: { id: true, sku: true },
    });
    if (!product) throw new UnrecoverableError(`Product ${productId} does not exist`);
    const sales = await loadDailySales(context.db, productId);
    if (sales.length < MIN_HISTORY) {
      throw new UnrecoverableError(
        `Product ${product.sku} has ${sales.length} days of sales history; a forecast needs at least ${MIN_HISTORY}`,
      );
    }

    await context.step("preprocessing");
    const history = dailySeries(sales);
    const cleaned = preprocess(history.values);

    await context.step("models");
    const result = await context.threads.run("forecast", [cleaned.values, { horizon, models }], context.signal);

    await context.step("ensemble");
    const dates = forecastDates(history.end, horizon);

    await context.step("accuracy");
    const modelAccuracy = Object.fromEntries(result.models.map((model) => [model.key, model.mape]));

    await context.step("saving");
    const forecastId = await saveForecast(
      context.db,
      forecastRecord({ jobId: job.id, productId, horizon, models, history, dates, result }),
      context.signal,
    );

    await context.step("done");
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
  },
};
