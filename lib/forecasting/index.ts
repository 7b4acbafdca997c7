export { BENCHMARK_KEYS, type BenchmarkKey } from "./benchmarks";
export { ForecastInputError } from "./errors";
export {
  forecast,
  INTERVAL_LEVEL,
  MIN_HISTORY,
  type BenchmarkResult,
  type CandidateResult,
  type ForecastOptions,
  type ForecastResult,
  type ModelResult,
} from "./forecast";
export { holtWinters, type HoltWintersOptions, type HoltWintersResult } from "./holt-winters";
export type { SeasonalForm } from "./decomposition";
export { mape } from "./metrics";
export { MODEL_KEYS, type ModelKey } from "./models";
export { preprocess, type PreprocessOptions, type PreprocessResult } from "./preprocess";
export { DEFAULT_SEASON_CANDIDATES, detectSeasonality } from "./seasonality";
