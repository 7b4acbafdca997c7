import type { Db } from "../db";
import { db as defaultDb } from "../db";

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** A saved forecast with its points, per-model accuracy and the product it belongs to. */
export async function getForecast(id: string, { db = defaultDb() }: { db?: Db } = {}) {
  const forecast = await db.forecast.findUnique({
    where: { id },
    include: {
      product: { select: { id: true, sku: true, name: true, category: true } },
      points: { orderBy: { date: "asc" } },
      modelResults: { orderBy: { model: "asc" } },
    },
  });
  if (!forecast) return null;
  return {
    id: forecast.id,
    jobId: forecast.jobId,
    product: forecast.product,
    horizon: forecast.horizon,
    models: forecast.models,
    seasonLength: forecast.seasonLength,
    accuracy: { ensembleMape: forecast.ensembleMape, seasonalNaiveMape: forecast.baselineMape },
    historyStart: isoDay(forecast.historyStart),
    historyEnd: isoDay(forecast.historyEnd),
    createdAt: forecast.createdAt.toISOString(),
    points: forecast.points.map((point) => ({ date: isoDay(point.date), value: point.value, lower: point.lower, upper: point.upper })),
    modelResults: forecast.modelResults.map((model) => ({
      model: model.model,
      method: model.method,
      mape: model.mape,
      weight: model.weight,
      params: model.params,
      predictions: model.predictions,
    })),
  };
}

export async function listForecasts(
  { productId, limit }: { productId?: string; limit: number },
  { db = defaultDb() }: { db?: Db } = {},
) {
  const forecasts = await db.forecast.findMany({
    where: { productId },
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { product: { select: { id: true, sku: true, name: true } } },
  });
  return forecasts.map((forecast) => ({
    id: forecast.id,
    jobId: forecast.jobId,
    product: forecast.product,
    horizon: forecast.horizon,
    models: forecast.models,
    ensembleMape: forecast.ensembleMape,
    createdAt: forecast.createdAt.toISOString(),
  }));
}
