import type { Db } from "../db";
import { db as defaultDb } from "../db";

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A saved forecast with its points, per-model accuracy and the product it belongs to; null when
 * there is none, or when `organizationId` is given and the forecast is another organisation's.
 */
export async function getForecast(id: string, { organizationId }: { organizationId?: string } = {}, { db = defaultDb() }: { db?: Db } = {}) {
  const forecast = await db.forecast.findFirst({
    where: { id, organizationId },
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
    organizationId: forecast.organizationId,
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

/** Recent forecasts, newest first; within one organisation when `organizationId` is given. */
export async function listForecasts(
  { productId, limit, organizationId }: { productId?: string; limit: number; organizationId?: string },
  { db = defaultDb() }: { db?: Db } = {},
) {
  const forecasts = await db.forecast.findMany({
    where: { productId, organizationId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { product: { select: { id: true, sku: true, name: true } } },
  });
  return forecasts.map((forecast) => ({
    id: forecast.id,
    jobId: forecast.jobId,
    organizationId: forecast.organizationId,
    product: forecast.product,
    horizon: forecast.horizon,
    models: forecast.models,
    ensembleMape: forecast.ensembleMape,
    createdAt: forecast.createdAt.toISOString(),
  }));
}
