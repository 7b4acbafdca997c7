import type { ForecastDetail } from "../api/types";
import { formatPercent } from "../format";
import { Badge } from "../ui/badge";
import { cx } from "../ui/cx";
import { byModelOrder, modelColor, modelLabel } from "./models";

const cell = "px-5 py-3 text-sm";
const numeric = "text-right tabular-nums";

/** Per-model MAPE with method and ensemble weight, then the ensemble and the seasonal-naive baseline. */
export function AccuracyTable({ forecast }: { forecast: ForecastDetail }) {
  const { ensembleMape, seasonalNaiveMape } = forecast.accuracy;
  const scored = forecast.modelResults.map((model) => model.mape).filter((mape): mape is number => mape !== null);
  const best = Math.min(...scored, ensembleMape ?? Infinity);
  const beatsBaseline = ensembleMape !== null && seasonalNaiveMape !== null ? seasonalNaiveMape - ensembleMape : null;

  return (
    <div>
      <div className="overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 dark:divide-slate-800" data-testid="accuracy-table">
          <caption className="sr-only">Forecast accuracy by model (MAPE, lower is better)</caption>
          <thead className="bg-slate-50 dark:bg-slate-900/60">
            <tr className="text-left text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">
              <th scope="col" className={cx(cell, "py-2.5")}>Model</th>
              <th scope="col" className={cx(cell, "py-2.5")}>Method</th>
              <th scope="col" className={cx(cell, numeric, "py-2.5")}>MAPE</th>
              <th scope="col" className={cx(cell, numeric, "py-2.5")}>Weight</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {byModelOrder(forecast.modelResults).map((model) => (
              <tr key={model.model}>
                <th scope="row" className={cx(cell, "text-left font-medium text-slate-900 dark:text-slate-100")}>
                  <span className="flex items-center gap-2">
                    <span aria-hidden className="size-2.5 shrink-0 rounded-full" style={{ background: modelColor(model.model) }} />
                    {modelLabel(model.model)}
                    {model.mape !== null && model.mape === best ? <Badge tone="success">Best</Badge> : null}
                  </span>
                </th>
                <td className={cx(cell, "text-slate-700 dark:text-slate-300")}>{model.method}</td>
                <td className={cx(cell, numeric, "text-slate-900 dark:text-slate-100")} title={model.mape === null ? "Undefined: every actual in the holdout was zero" : undefined}>
                  {formatPercent(model.mape)}
                </td>
                <td className={cx(cell, numeric, "text-slate-700 dark:text-slate-300")}>
                  <span className="inline-flex items-center justify-end gap-2">
                    <span aria-hidden className="hidden h-1.5 w-16 overflow-hidden rounded-full bg-slate-200 sm:inline-block dark:bg-slate-800">
                      <span className="block h-full rounded-full" style={{ width: `${Math.round(model.weight * 100)}%`, background: modelColor(model.model) }} />
                    </span>
                    {Math.round(model.weight * 100)}%
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
          <tbody className="border-t-2 border-slate-200 bg-slate-50/60 dark:border-slate-700 dark:bg-slate-900/40">
            <tr>
              <th scope="row" className={cx(cell, "text-left font-semibold text-slate-900 dark:text-white")}>
                <span className="flex items-center gap-2">
                  <span aria-hidden className="size-2.5 shrink-0 rounded-full" style={{ background: "var(--chart-ensemble)" }} />
                  Ensemble
                  {ensembleMape !== null && ensembleMape === best ? <Badge tone="success">Best</Badge> : null}
                </span>
              </th>
              <td className={cx(cell, "text-slate-700 dark:text-slate-300")}>Accuracy-weighted average</td>
              <td className={cx(cell, numeric, "font-semibold text-slate-900 dark:text-white")}>{formatPercent(ensembleMape)}</td>
              <td className={cx(cell, numeric, "text-slate-700 dark:text-slate-300")}>100%</td>
            </tr>
            <tr>
              <th scope="row" className={cx(cell, "text-left font-medium text-slate-700 dark:text-slate-300")}>
                <span className="flex items-center gap-2">
                  <span aria-hidden className="size-2.5 shrink-0 rounded-full border border-slate-400" />
                  Seasonal naive
                </span>
              </th>
              <td className={cx(cell, "text-slate-700 dark:text-slate-300")}>Baseline: repeat last season</td>
              <td className={cx(cell, numeric, "text-slate-700 dark:text-slate-300")}>{formatPercent(seasonalNaiveMape)}</td>
              <td className={cx(cell, numeric, "text-slate-500")}>—</td>
            </tr>
          </tbody>
        </table>
      </div>
      {beatsBaseline !== null ? (
        <p className="border-t border-slate-200 px-5 py-3 text-sm text-slate-600 dark:border-slate-800 dark:text-slate-400">
          {beatsBaseline >= 0
            ? `The ensemble beats the seasonal-naive baseline by ${beatsBaseline.toFixed(1)} percentage points.`
            : `The seasonal-naive baseline is ${(-beatsBaseline).toFixed(1)} percentage points more accurate than the ensemble for this product.`}
        </p>
      ) : null}
    </div>
  );
}
