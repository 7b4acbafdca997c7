"use client";

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDay } from "../format";
import { modelColor } from "../forecasts/models";

const axis = { tick: { fill: "var(--chart-axis)", fontSize: 12 }, tickLine: false } as const;
const tooltipStyle = { contentStyle: { background: "var(--chart-tooltip-bg)", border: "1px solid var(--chart-tooltip-border)", borderRadius: 6, fontSize: 12 } } as const;
const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10} %`;

function ChartFrame({ label, testId, children }: { label: string; testId: string; children: React.ReactElement }) {
  return (
    <figure aria-label={label} className="h-72 w-full" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </figure>
  );
}

/** One bar per category (turns, GMROI). */
export function CategoryBars({ label, rows, dataKey, name }: { label: string; rows: readonly { category: string }[]; dataKey: string; name: string }) {
  return (
    <ChartFrame label={label} testId="category-chart">
      <BarChart data={rows as object[]} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
        <XAxis dataKey="category" {...axis} axisLine={{ stroke: "var(--chart-grid)" }} interval={0} />
        <YAxis width={48} {...axis} axisLine={false} />
        <Tooltip {...tooltipStyle} formatter={(value) => (typeof value === "number" ? value.toFixed(2) : String(value))} />
        <Bar dataKey={dataKey} name={name} fill="var(--chart-ensemble)" isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}

/** The Pareto curve: cumulative share of value against the share of products, with the ABC cut-offs. */
export function ParetoCurve({ items, cutoffs }: { items: readonly { rank: number; cumulativeShare: number }[]; cutoffs: { a: number; b: number } }) {
  // At most ~200 points: the curve's shape, not one point per product.
  const step = Math.max(1, Math.ceil(items.length / 200));
  const points = [{ products: 0, share: 0 }, ...items.filter((item, index) => index % step === step - 1 || index === items.length - 1).map((item) => ({ products: item.rank / items.length, share: item.cumulativeShare }))];
  return (
    <ChartFrame label="Pareto curve: cumulative share of value by share of products" testId="pareto-chart">
      <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--chart-grid)" />
        <XAxis dataKey="products" type="number" domain={[0, 1]} tickFormatter={percent} {...axis} axisLine={{ stroke: "var(--chart-grid)" }} />
        <YAxis domain={[0, 1]} tickFormatter={percent} width={52} {...axis} axisLine={false} />
        <Tooltip {...tooltipStyle} formatter={(value) => percent(Number(value))} labelFormatter={(value) => `${percent(Number(value))} of products`} />
        <ReferenceLine y={cutoffs.a} stroke="var(--chart-today)" strokeDasharray="4 4" label={{ value: "A", position: "insideTopLeft", fill: "var(--chart-axis)", fontSize: 12 }} />
        <ReferenceLine y={cutoffs.b} stroke="var(--chart-today)" strokeDasharray="4 4" label={{ value: "B", position: "insideTopLeft", fill: "var(--chart-axis)", fontSize: 12 }} />
        <Line dataKey="share" name="Cumulative share of value" stroke="var(--chart-ensemble)" dot={false} strokeWidth={2} isAnimationActive={false} />
      </LineChart>
    </ChartFrame>
  );
}

/** Ratios per week (fill rate, stock-out days), as percentages. */
export function WeeklyRates({ label, rows, series }: { label: string; rows: readonly ({ week: string } & Record<string, unknown>)[]; series: readonly { key: string; name: string; color: string }[] }) {
  return (
    <ChartFrame label={label} testId="trend-chart">
      <LineChart data={rows as object[]} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
        <XAxis dataKey="week" tickFormatter={formatDay} minTickGap={36} {...axis} axisLine={{ stroke: "var(--chart-grid)" }} />
        <YAxis tickFormatter={percent} width={52} {...axis} axisLine={false} />
        <Tooltip {...tooltipStyle} formatter={(value) => (typeof value === "number" ? percent(value) : "n/a")} labelFormatter={(value) => `Week of ${formatDay(String(value))}`} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((item) => (
          <Line key={item.key} dataKey={item.key} name={item.name} stroke={item.color} dot={false} strokeWidth={2} connectNulls isAnimationActive={false} />
        ))}
      </LineChart>
    </ChartFrame>
  );
}

/** MAPE per week, one line per model. */
export function AccuracyOverTime({ trend }: { trend: readonly { week: string; model: string; mape: number | null }[] }) {
  const models = [...new Set(trend.map((row) => row.model))];
  const byWeek = new Map<string, Record<string, unknown>>();
  for (const row of trend) byWeek.set(row.week, { ...(byWeek.get(row.week) ?? { week: row.week }), [row.model]: row.mape });
  const rows = [...byWeek.values()];
  return (
    <ChartFrame label="Forecast accuracy over time: MAPE per week and model" testId="accuracy-chart">
      <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
        <XAxis dataKey="week" tickFormatter={formatDay} minTickGap={36} {...axis} axisLine={{ stroke: "var(--chart-grid)" }} />
        <YAxis width={52} tickFormatter={(value: number) => `${value} %`} {...axis} axisLine={false} />
        <Tooltip {...tooltipStyle} formatter={(value) => (typeof value === "number" ? `${value.toFixed(1)} %` : "n/a")} labelFormatter={(value) => `Week of ${formatDay(String(value))}`} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {models.map((model) => (
          <Line key={model} dataKey={model} name={model} stroke={model === "ensemble" ? "var(--chart-ensemble)" : modelColor(model)} dot={false} strokeWidth={2} connectNulls isAnimationActive={false} />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
