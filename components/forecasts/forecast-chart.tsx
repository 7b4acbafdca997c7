"use client";

import { useMemo, useState } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";
import type { ForecastDetail, ProductWithHistory } from "../api/types";
import { formatDay, formatDecimal, formatInteger, formatLongDay } from "../format";
import { byModelOrder, modelColor, modelLabel } from "./models";

type Row = { date: string; actual?: number; ensemble?: number; band?: [number, number] } & Record<string, unknown>;

type SeriesKey = "actual" | "ensemble" | "band" | `model:${string}`;

interface SeriesToggle {
  key: SeriesKey;
  label: string;
  color: string;
  dashed?: boolean;
  area?: boolean;
}

/**
 * History and forecast on one time axis: actual sales, the ensemble with its interval, and each
 * model's own forecast. The checkboxes above are the legend, so every series can be switched off
 * with the keyboard too.
 */
export function ForecastChart({ forecast, sales }: { forecast: ForecastDetail; sales: ProductWithHistory["sales"] }) {
  const hasBand = forecast.points.some((point) => point.lower !== null && point.upper !== null);
  const rows = useMemo(() => buildRows(forecast, sales), [forecast, sales]);
  const series: SeriesToggle[] = [
    { key: "actual", label: "Actual sales", color: "var(--chart-history)" },
    { key: "ensemble", label: "Ensemble forecast", color: "var(--chart-ensemble)" },
    ...(hasBand ? [{ key: "band" as const, label: "Forecast interval", color: "var(--chart-band)", area: true }] : []),
    ...byModelOrder(forecast.modelResults).map((model) => ({
      key: `model:${model.model}` as const,
      label: modelLabel(model.model),
      color: modelColor(model.model),
      dashed: true,
    })),
  ];
  const [hidden, setHidden] = useState<ReadonlySet<SeriesKey>>(new Set());
  const shown = (key: SeriesKey) => !hidden.has(key);
  const forecastStart = forecast.points[0]?.date;

  return (
    <figure>
      <fieldset>
        <legend className="sr-only">Series shown in the chart</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-2" data-testid="chart-toggles">
          {series.map((item) => (
            <label key={item.key} className="inline-flex cursor-pointer items-center gap-2 text-sm text-slate-700 select-none dark:text-slate-300">
              <input
                type="checkbox"
                className="size-4 accent-indigo-600"
                checked={shown(item.key)}
                onChange={(event) =>
                  setHidden((current) => {
                    const next = new Set(current);
                    if (event.target.checked) next.delete(item.key);
                    else next.add(item.key);
                    return next;
                  })
                }
              />
              <Swatch color={item.color} dashed={item.dashed} area={item.area} />
              {item.label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="mt-4 h-80 w-full sm:h-96" data-testid="forecast-chart">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
            <XAxis
              dataKey="date"
              tickFormatter={formatDay}
              minTickGap={36}
              tick={{ fill: "var(--chart-axis)", fontSize: 12 }}
              tickLine={false}
              axisLine={{ stroke: "var(--chart-grid)" }}
            />
            <YAxis
              width={48}
              tickFormatter={(value: number) => formatInteger(value)}
              tick={{ fill: "var(--chart-axis)", fontSize: 12 }}
              tickLine={false}
              axisLine={false}
              allowDecimals={false}
            />
            <Tooltip content={ChartTooltip} />
            {forecastStart ? (
              <ReferenceLine
                x={forecastStart}
                stroke="var(--chart-today)"
                strokeDasharray="4 4"
                label={{ value: "Forecast", position: "insideTopLeft", fill: "var(--chart-axis)", fontSize: 12 }}
              />
            ) : null}
            {hasBand && shown("band") ? (
              <Area
                dataKey="band"
                name="Forecast interval"
                stroke="none"
                fill="var(--chart-band)"
                fillOpacity={0.18}
                isAnimationActive={false}
                activeDot={false}
              />
            ) : null}
            {shown("actual") ? (
              <Line dataKey="actual" name="Actual sales" stroke="var(--chart-history)" strokeWidth={1.25} dot={false} isAnimationActive={false} connectNulls={false} />
            ) : null}
            {forecast.modelResults.map((model) =>
              shown(`model:${model.model}`) ? (
                <Line
                  key={model.model}
                  dataKey={`model:${model.model}`}
                  name={modelLabel(model.model)}
                  stroke={modelColor(model.model)}
                  strokeWidth={1.5}
                  strokeDasharray="5 4"
                  dot={false}
                  isAnimationActive={false}
                />
              ) : null,
            )}
            {shown("ensemble") ? (
              <Line dataKey="ensemble" name="Ensemble forecast" stroke="var(--chart-ensemble)" strokeWidth={2.5} dot={false} isAnimationActive={false} />
            ) : null}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">
        Daily sales of {forecast.product.name} for the last {sales.length} days and a {forecast.horizon}-day forecast; the accuracy table below
        lists the numbers.
      </figcaption>
    </figure>
  );
}

function Swatch({ color, dashed, area }: { color: string; dashed?: boolean; area?: boolean }) {
  if (area) return <span aria-hidden className="h-3 w-5 rounded-sm opacity-40" style={{ background: color }} />;
  return (
    <svg aria-hidden width="20" height="8" className="shrink-0">
      <line x1="1" y1="4" x2="19" y2="4" stroke={color} strokeWidth={dashed ? 2 : 3} strokeDasharray={dashed ? "4 3" : undefined} strokeLinecap="round" />
    </svg>
  );
}

function buildRows(forecast: ForecastDetail, sales: ProductWithHistory["sales"]): Row[] {
  const byDate = new Map<string, Row>();
  for (const sale of sales) byDate.set(sale.date, { date: sale.date, actual: sale.quantity });
  forecast.points.forEach((point, index) => {
    const row: Row = byDate.get(point.date) ?? { date: point.date };
    row.ensemble = point.value;
    if (point.lower !== null && point.upper !== null) row.band = [point.lower, point.upper];
    for (const model of forecast.modelResults) {
      const value = model.predictions[index];
      if (typeof value === "number") row[`model:${model.model}`] = value;
    }
    byDate.set(point.date, row);
  });
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function ChartTooltip({ active, payload, label }: TooltipContentProps) {
  if (!active || !payload?.length) return null;
  return (
    <div
      className="rounded-md px-3 py-2 text-xs shadow-lg"
      style={{ background: "var(--chart-tooltip-bg)", border: "1px solid var(--chart-tooltip-border)" }}
    >
      <p className="mb-1 font-medium text-slate-900 dark:text-slate-100">{typeof label === "string" ? formatLongDay(label) : label}</p>
      <ul className="space-y-0.5">
        {payload.map((entry) => {
          const value = entry.value as number | [number, number] | undefined;
          if (value === undefined || value === null) return null;
          return (
            <li key={String(entry.dataKey)} className="flex items-center justify-between gap-4 text-slate-700 dark:text-slate-300">
              <span className="flex items-center gap-1.5">
                <span aria-hidden className="size-2 rounded-full" style={{ background: String(entry.color ?? entry.stroke ?? "currentColor") }} />
                {entry.name}
              </span>
              <span className="font-medium text-slate-900 tabular-nums dark:text-slate-100">
                {Array.isArray(value) ? `${formatDecimal(value[0])} – ${formatDecimal(value[1])}` : formatDecimal(value)}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
