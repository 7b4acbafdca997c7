import type { ForecastDetail } from "../api/types";
import { formatPercent } from "../format";
import { Badge } from "../ui/badge";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { byModelOrder, modelColor, modelLabel } from "./models";

/** Per-model MAPE with method and ensemble weight, then the ensemble and the seasonal-naive baseline. */
export function AccuracyTable({ forecast }: { forecast: ForecastDetail }) {
  const { ensembleMape, seasonalNaiveMape } = forecast.accuracy;
  const scored = forecast.modelResults.map((model) => model.mape).filter((mape): mape is number => mape !== null);
  const best = Math.min(...scored, ensembleMape ?? Infinity);
  const beatsBaseline = ensembleMape !== null && seasonalNaiveMape !== null ? seasonalNaiveMape - ensembleMape : null;

  return (
    <div>
      <Table data-testid="accuracy-table" caption="Forecast accuracy by model (MAPE, lower is better)">
        <THead>
          <Th>Model</Th>
          <Th>Method</Th>
          <Th align="right">MAPE</Th>
          <Th align="right">Weight</Th>
        </THead>
        <TBody>
          {byModelOrder(forecast.modelResults).map((model) => (
            <Tr key={model.model} hover={false}>
              <Td rowHeader className="font-medium text-slate-900 dark:text-slate-100">
                <span className="flex items-center gap-2">
                  <span aria-hidden className="size-2.5 shrink-0 rounded-full" style={{ background: modelColor(model.model) }} />
                  {modelLabel(model.model)}
                  {model.mape !== null && model.mape === best ? <Badge tone="success">Best</Badge> : null}
                </span>
              </Td>
              <Td>{model.method}</Td>
              <Td numeric className="text-slate-900 dark:text-slate-100" title={model.mape === null ? "Undefined: every actual in the holdout was zero" : undefined}>
                {formatPercent(model.mape)}
              </Td>
              <Td numeric>
                <span className="inline-flex items-center justify-end gap-2">
                  <span aria-hidden className="hidden h-1.5 w-16 overflow-hidden rounded-full bg-slate-200 sm:inline-block dark:bg-slate-800">
                    <span className="block h-full rounded-full" style={{ width: `${Math.round(model.weight * 100)}%`, background: modelColor(model.model) }} />
                  </span>
                  {Math.round(model.weight * 100)}%
                </span>
              </Td>
            </Tr>
          ))}
        </TBody>
        <TBody className="border-t-2 border-slate-200 bg-slate-50/60 dark:border-slate-700 dark:bg-slate-900/40">
          <Tr hover={false}>
            <Td rowHeader className="font-semibold text-slate-900 dark:text-white">
              <span className="flex items-center gap-2">
                <span aria-hidden className="size-2.5 shrink-0 rounded-full" style={{ background: "var(--chart-ensemble)" }} />
                Ensemble
                {ensembleMape !== null && ensembleMape === best ? <Badge tone="success">Best</Badge> : null}
              </span>
            </Td>
            <Td>Accuracy-weighted average</Td>
            <Td numeric className="font-semibold text-slate-900 dark:text-white">
              {formatPercent(ensembleMape)}
            </Td>
            <Td numeric>
              100%
            </Td>
          </Tr>
          <Tr hover={false}>
            <Td rowHeader className="font-medium">
              <span className="flex items-center gap-2">
                <span aria-hidden className="size-2.5 shrink-0 rounded-full border border-slate-400" />
                Seasonal naive
              </span>
            </Td>
            <Td>Baseline: repeat last season</Td>
            <Td numeric>
              {formatPercent(seasonalNaiveMape)}
            </Td>
            <Td numeric className="text-slate-500">
              —
            </Td>
          </Tr>
        </TBody>
      </Table>
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
