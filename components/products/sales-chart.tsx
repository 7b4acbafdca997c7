"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ProductWithHistory } from "../api/types";
import { formatDay, formatInteger, formatLongDay } from "../format";

/** Daily sales alone, for a product without a forecast yet (ForecastChart draws both once there is one). */
export function SalesChart({ sales, name }: { sales: ProductWithHistory["sales"]; name: string }) {
  return (
    <figure>
      <div className="h-72 w-full sm:h-80" data-testid="sales-chart">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={sales} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
            <XAxis dataKey="date" tickFormatter={formatDay} minTickGap={36} tick={{ fill: "var(--chart-axis)", fontSize: 12 }} tickLine={false} axisLine={{ stroke: "var(--chart-grid)" }} />
            <YAxis width={48} tickFormatter={(value: number) => formatInteger(value)} tick={{ fill: "var(--chart-axis)", fontSize: 12 }} tickLine={false} axisLine={false} allowDecimals={false} />
            <Tooltip
              labelFormatter={(label) => (typeof label === "string" ? formatLongDay(label) : label)}
              formatter={(value) => [`${formatInteger(Number(value))} units`, "Sales"]}
              contentStyle={{ background: "var(--chart-tooltip-bg)", border: "1px solid var(--chart-tooltip-border)", fontSize: 12 }}
            />
            <Line dataKey="quantity" name="Sales" stroke="var(--chart-history)" strokeWidth={1.5} dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">
        Daily sales of {name} for the last {sales.length} days.
      </figcaption>
    </figure>
  );
}
