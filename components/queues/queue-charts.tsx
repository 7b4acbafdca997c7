"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type ReactElement } from "react";
import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { MetricsRange, MetricsSeries, QueueKey } from "../api/types";
import { formatDecimal, formatInteger } from "../format";
import { useJobEvents } from "../job-events-provider";
import { Alert } from "../ui/alert";
import { cx } from "../ui/cx";
import { Skeleton } from "../ui/skeleton";

const RANGES: { value: MetricsRange; label: string; refetchMs: number }[] = [
  { value: "hour", label: "Hour", refetchMs: 10_000 },
  { value: "day", label: "Day", refetchMs: 60_000 },
  { value: "week", label: "Week", refetchMs: 5 * 60_000 },
];

/** Job events nudge the charts at most this often; a busy system must not refetch on every event. */
const EVENT_REFETCH_MS = 5_000;

// Dots keep a lone bucket visible: a line needs two points, and a quiet queue often has one.
const dot = (color: string) => ({ r: 2, fill: color, stroke: color, strokeWidth: 0 });

// UTC like every other time in the app (components/format.ts), so a bucket on the axis matches the
// times on the job and audit pages.
const time = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });
const dayTime = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });
const day = new Intl.DateTimeFormat("en-US", { weekday: "short", day: "numeric", timeZone: "UTC" });

/** A duration in ms for an axis or tooltip: "850 ms", "4.2 s", "3.5 min". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${formatDecimal(ms / 1000)} s`;
  if (ms < 3_600_000) return `${formatDecimal(ms / 60_000)} min`;
  return `${formatDecimal(ms / 3_600_000)} h`;
}

/**
 * Throughput (completed and failed per minute) and wait/run time p50/p95 of one queue or all, over
 * the last hour, day or week, from the workers' metrics buckets. Refreshes on a clock matched to
 * the bucket size and, throttled, on live job events.
 */
export function QueueCharts({ queueKey, title }: { queueKey: QueueKey | "all"; title?: string }) {
  const [range, setRange] = useState<MetricsRange>("hour");
  const rangeConfig = RANGES.find((candidate) => candidate.value === range)!;
  const queryClient = useQueryClient();
  const lastNudge = useRef(0);
  const headingId = useId();

  const series = useQuery({
    queryKey: queryKeys.metrics.series(queueKey, range),
    queryFn: ({ signal }) => getJson<MetricsSeries>(`/api/v1/metrics?queue=${queueKey}&range=${range}`, { signal }),
    refetchInterval: rangeConfig.refetchMs,
    placeholderData: (previous) => (previous?.range === range ? previous : undefined),
    retry: false,
  });

  useJobEvents((event) => {
    if (event.event === "job:progress" || (queueKey !== "all" && event.type !== queueKey)) return;
    const now = Date.now();
    if (now - lastNudge.current < EVENT_REFETCH_MS) return;
    lastNudge.current = now;
    void queryClient.invalidateQueries({ queryKey: queryKeys.metrics.series(queueKey, range) }, { cancelRefetch: false });
  });

  const data = series.data;
  const tick = (iso: string) => {
    const date = new Date(iso);
    return range === "hour" ? time.format(date) : range === "day" ? time.format(date) : day.format(date);
  };

  return (
    <section
      aria-labelledby={headingId}
      // Series colours, light and dark, kept with the charts that use them.
      className="[--chart-fail:#dc2626] [--chart-ok:#059669] [--chart-run:#4f46e5] [--chart-wait:#d97706] dark:[--chart-fail:#f87171] dark:[--chart-ok:#34d399] dark:[--chart-run:#a5b4fc] dark:[--chart-wait:#fbbf24] rounded-xl bg-white shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800" data-testid={`queue-charts-${queueKey}`}>
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-5 py-3 dark:border-slate-800">
        <div>
          <h2 id={headingId} className="text-base font-semibold text-slate-900 dark:text-white">
            {title ?? "Throughput and latency"}
          </h2>
          {data ? (
            <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="charts-totals">
              Last {range}: {formatInteger(data.totals.completed)} completed · {formatInteger(data.totals.failed)} failed · {formatInteger(data.totals.added)} added · wait p95{" "}
              {formatMs(data.totals.waitP95)} · run p95 {formatMs(data.totals.runP95)}
            </p>
          ) : null}
        </div>
        <div role="radiogroup" aria-label="Chart range" className="inline-flex rounded-md shadow-sm ring-1 ring-slate-300 dark:ring-slate-600">
          {RANGES.map((option, index) => (
            <button
              key={option.value}
              type="button"
              role="radio"
              aria-checked={range === option.value}
              tabIndex={range === option.value ? 0 : -1}
              onClick={() => setRange(option.value)}
              onKeyDown={(event) => {
                if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
                event.preventDefault();
                const next = RANGES[(index + (event.key === "ArrowRight" ? 1 : RANGES.length - 1)) % RANGES.length]!;
                setRange(next.value);
                (event.currentTarget.parentElement?.children[RANGES.indexOf(next)] as HTMLElement | undefined)?.focus();
              }}
              className={cx(
                "px-3 py-1 text-sm font-medium first:rounded-l-md last:rounded-r-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600",
                range === option.value ? "bg-indigo-600 text-white dark:bg-indigo-500" : "bg-white text-slate-700 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700",
              )}
            >
              {option.label}
            </button>
          ))}
        </div>
      </div>
      <div className="px-5 py-4">
        {series.isError && !data ? (
          <Alert tone="warning">Charts unavailable: {errorMessage(series.error)}</Alert>
        ) : !data ? (
          <div className="grid gap-6 lg:grid-cols-2" aria-busy aria-label="Loading charts">
            <Skeleton className="h-56 w-full" />
            <Skeleton className="h-56 w-full" />
          </div>
        ) : (
          <div className="relative grid gap-6 lg:grid-cols-2">
            {data.totals.completed + data.totals.failed + data.totals.retried === 0 ? (
              // Empty axes alone read as "broken"; say what they mean.
              <p className="pointer-events-none absolute inset-x-0 top-1/2 z-10 -translate-y-1/2 text-center text-sm text-slate-600 dark:text-slate-400" data-testid="charts-empty">
                No job finished in the last {range}.
              </p>
            ) : null}
            <Chart
              label="Jobs finished per minute"
              caption={`Completed and failed jobs per minute over the last ${range}.`}
              testId="throughput-chart"
              legend={[
                { label: "Completed", color: "var(--chart-ok)", bar: true },
                { label: "Failed", color: "var(--chart-fail)", bar: true },
              ]}
            >
              <ComposedChart data={data.points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
                <XAxis dataKey="at" tickFormatter={tick} minTickGap={40} tick={{ fill: "var(--chart-axis)", fontSize: 12 }} tickLine={false} axisLine={{ stroke: "var(--chart-grid)" }} />
                <YAxis width={40} tick={{ fill: "var(--chart-axis)", fontSize: 12 }} tickLine={false} axisLine={false} allowDecimals />
                <Tooltip content={(props) => <ChartTooltip {...props} format={(value) => `${formatDecimal(value)}/min`} />} />
                <Bar dataKey="completedPerMinute" name="Completed" stackId="out" fill="var(--chart-ok)" isAnimationActive={false} />
                <Bar dataKey="failedPerMinute" name="Failed" stackId="out" fill="var(--chart-fail)" isAnimationActive={false} />
              </ComposedChart>
            </Chart>
            <Chart
              label="Wait and run time"
              caption={`Median (p50) and 95th percentile wait and run time per ${range === "hour" ? "minute" : range === "day" ? "15 minutes" : "hour"}.`}
              testId="latency-chart"
              legend={[
                { label: "Wait p50", color: "var(--chart-wait)" },
                { label: "Wait p95", color: "var(--chart-wait)", dashed: true },
                { label: "Run p50", color: "var(--chart-run)" },
                { label: "Run p95", color: "var(--chart-run)", dashed: true },
              ]}
            >
              <ComposedChart data={data.points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
                <XAxis dataKey="at" tickFormatter={tick} minTickGap={40} tick={{ fill: "var(--chart-axis)", fontSize: 12 }} tickLine={false} axisLine={{ stroke: "var(--chart-grid)" }} />
                <YAxis width={56} tickFormatter={(value: number) => formatMs(value)} tick={{ fill: "var(--chart-axis)", fontSize: 12 }} tickLine={false} axisLine={false} />
                <Tooltip content={(props) => <ChartTooltip {...props} format={formatMs} />} />
                <Line dataKey="waitP50" name="Wait p50" stroke="var(--chart-wait)" strokeWidth={2} dot={dot("var(--chart-wait)")} isAnimationActive={false} />
                <Line dataKey="waitP95" name="Wait p95" stroke="var(--chart-wait)" strokeDasharray="5 4" strokeWidth={1.5} dot={dot("var(--chart-wait)")} isAnimationActive={false} />
                <Line dataKey="runP50" name="Run p50" stroke="var(--chart-run)" strokeWidth={2} dot={dot("var(--chart-run)")} isAnimationActive={false} />
                <Line dataKey="runP95" name="Run p95" stroke="var(--chart-run)" strokeDasharray="5 4" strokeWidth={1.5} dot={dot("var(--chart-run)")} isAnimationActive={false} />
              </ComposedChart>
            </Chart>
          </div>
        )}
      </div>
    </section>
  );
}

type LegendItem = { label: string; color: string; dashed?: boolean; bar?: boolean };

function Chart({ label, caption, testId, legend, children }: { label: string; caption: string; testId: string; legend: LegendItem[]; children: ReactElement }) {
  return (
    <figure>
      <figcaption className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm font-medium text-slate-900 dark:text-slate-100">
        <span>
          {label}
          <span className="sr-only">. {caption}</span>
        </span>
        <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs font-normal text-slate-600 dark:text-slate-400" aria-label="Legend">
          {legend.map((item) => (
            <li key={item.label} className="inline-flex items-center gap-1.5">
              {item.bar ? (
                <span aria-hidden className="size-2.5 rounded-sm" style={{ background: item.color }} />
              ) : (
                <svg aria-hidden width="16" height="6">
                  <line x1="1" y1="3" x2="15" y2="3" stroke={item.color} strokeWidth="2" strokeDasharray={item.dashed ? "3 2" : undefined} />
                </svg>
              )}
              {item.label}
            </li>
          ))}
        </ul>
      </figcaption>
      <div className="mt-2 h-56 w-full" data-testid={testId}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function ChartTooltip({ active, payload, label, format }: TooltipContentProps & { format: (value: number) => string }) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md px-3 py-2 text-xs shadow-lg" style={{ background: "var(--chart-tooltip-bg)", border: "1px solid var(--chart-tooltip-border)" }}>
      <p className="mb-1 font-medium text-slate-900 dark:text-slate-100">{typeof label === "string" ? `${dayTime.format(new Date(label))} UTC` : label}</p>
      <ul className="space-y-0.5">
        {payload.map((entry) => (
          <li key={String(entry.dataKey)} className="flex items-center justify-between gap-4 text-slate-700 dark:text-slate-300">
            <span className="flex items-center gap-1.5">
              <span aria-hidden className="size-2 rounded-full" style={{ background: String(entry.color ?? entry.stroke ?? "currentColor") }} />
              {entry.name}
            </span>
            <span className="font-medium text-slate-900 tabular-nums dark:text-slate-100">{entry.value === null || entry.value === undefined ? "—" : format(entry.value as number)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

