import { canDecompose } from "./decomposition";
import { fitExponentialSmoothing } from "./exponential-smoothing";
import { fitLinearTrend } from "./linear-trend";
import type { ModelFit } from "./model";
import { fitMovingAverage } from "./moving-average";
import { fitSeasonalTrend } from "./seasonal-trend";

export type ModelKey = "ma" | "linear" | "exp" | "seasonal";

export const MODEL_KEYS: readonly ModelKey[] = ["ma", "linear", "exp", "seasonal"];

/** A fit on the training part that can refit itself on the full series. */
export interface TrainedModel extends ModelFit {
  refit(series: readonly number[], horizon: number): ModelFit;
}

interface ModelSpec {
  label: string;
  /** null when the model does not apply, e.g. a seasonal model without a season length. */
  train(series: readonly number[], horizon: number, seasonLength: number | null): TrainedModel | null;
}

type Fit = (series: readonly number[], horizon: number) => ModelFit;

// For models whose refit is simply the same fit on the longer series.
function trainAndKeep(fit: Fit, series: readonly number[], horizon: number): TrainedModel {
  return { ...fit(series, horizon), refit: fit };
}

export const MODELS: Record<ModelKey, ModelSpec> = {
  ma: {
    label: "Moving average",
    train: (series, horizon, s) => trainAndKeep((x, h) => fitMovingAverage(x, h, s), series, horizon),
  },
  linear: {
    label: "Linear regression",
    train: (series, horizon) => trainAndKeep(fitLinearTrend, series, horizon),
  },
  exp: {
    label: "Exponential smoothing",
    train: (series, horizon, s) => {
      const trained = fitExponentialSmoothing(series, horizon, s);
      return { ...trained, refit: (full, fullHorizon) => fitExponentialSmoothing(full, fullHorizon, s, trained) };
    },
  },
  seasonal: {
    label: "Seasonal decomposition",
    train: (series, horizon, s) =>
      s !== null && canDecompose(series.length, s)
        ? trainAndKeep((x, h) => fitSeasonalTrend(x, h, s), series, horizon)
        : null,
  },
};
