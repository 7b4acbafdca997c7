"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { queryKeys } from "@/lib/query-keys";
import { InlineText } from "../api-docs/inline-text";
import { ExportButtons } from "../exports/export-button";
import { getJson } from "../api/api-client";
import type { AbcReport, AnalyticsReportDetail, AnalyticsType, DaysOfSupplyReport, ForecastAccuracyReport, GmroiReport, ServiceReport, TurnoverReport } from "../api/types";
import { formatDateTime, formatInteger, formatLongDay } from "../format";
import { QueryError } from "../query-error";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Skeleton } from "../ui/skeleton";
import { AccuracyOverTime, CategoryBars, ParetoCurve, WeeklyRates } from "./report-charts";
import { REPORT_LABELS } from "./report-types";
import { SortableTable, type Column } from "./sortable-table";

const fixed = (value: number | null | undefined, digits = 2) => (value === null || value === undefined ? "n/a" : value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const percent = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? "n/a" : `${fixed(ratio * 100, 1)} %`);
const money = (value: number) => formatInteger(value);

/** Reads a saved report by id and shows it. */
export function SavedReport({ reportId }: { reportId: string }) {
  const report = useQuery({
    queryKey: queryKeys.reports.detail(reportId),
    queryFn: ({ signal }) => getJson<AnalyticsReportDetail>(`/api/v1/reports/${encodeURIComponent(reportId)}`, { signal }),
    // A saved report changes only when its job re-runs.
    staleTime: 5 * 60_000,
  });
  if (report.isError) return <QueryError title="Could not load the report" query={report} />;
  if (!report.data) {
    return (
      <Card aria-busy aria-label="Loading report">
        <CardBody className="space-y-4">
          <Skeleton className="h-5 w-64" />
          <Skeleton className="h-72 w-full" />
        </CardBody>
      </Card>
    );
  }
  return <ReportView report={report.data} />;
}

function Figures({ items }: { items: readonly [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4" data-testid="report-figures">
      {items.map(([label, value]) => (
        <div key={label} className="rounded-lg bg-slate-50 px-4 py-3 dark:bg-slate-800/50">
          <dt className="text-xs font-medium text-slate-600 dark:text-slate-400">{label}</dt>
          <dd className="mt-1 text-lg font-semibold text-slate-900 tabular-nums dark:text-white">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader as="h3" title={title} description={description} />
      {children}
    </Card>
  );
}

type ProductRow = { productId: string; sku: string; name: string };
const productColumn = <T extends ProductRow>(): Column<T> => ({
  key: "sku",
  header: "Product",
  value: (row) => row.sku,
  render: (row) => (
    <span className="font-normal">
      <span className="font-mono font-medium">{row.sku}</span> <span className="text-slate-600 dark:text-slate-400">{row.name}</span>
    </span>
  ),
});

/** A saved report: its period and definition, then its figures, charts and tables by type. */
export function ReportView({ report }: { report: AnalyticsReportDetail }) {
  const type = report.type as AnalyticsType;
  return (
    <div className="space-y-6" data-testid="analytics-report">
      <Card>
        <CardHeader
          title={REPORT_LABELS[type]?.label ?? report.type}
          description={`${formatLongDay(report.startDate)} – ${formatLongDay(report.endDate)} · computed ${formatDateTime(report.createdAt)}`}
          actions={
            <Link className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300" href={`/analytics/reports/${encodeURIComponent(report.id)}`}>
              Link to this report
            </Link>
          }
        />
        {report.definition ? (
          <CardBody>
            <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="report-definition">
              <InlineText text={report.definition} />
            </p>
          </CardBody>
        ) : null}
        <CardBody>
          <ExportButtons entity="reports" filters={{ reportId: report.id }} label="Export this report" />
        </CardBody>
      </Card>
      <ReportBody type={type} body={report.body} />
    </div>
  );
}

function ReportBody({ type, body }: { type: AnalyticsType; body: unknown }) {
  switch (type) {
    case "inventory-turnover":
      return <Turnover body={body as TurnoverReport} />;
    case "gmroi":
      return <Gmroi body={body as GmroiReport} />;
    case "service":
    case "stockout-rate":
      return <Service body={body as ServiceReport} fillRates={type === "service"} />;
    case "days-of-supply":
      return <DaysOfSupply body={body as DaysOfSupplyReport} />;
    case "abc-analysis":
    case "abc-xyz":
      return <Abc body={body as AbcReport} />;
    case "forecast-accuracy":
      return <Accuracy body={body as ForecastAccuracyReport} />;
  }
}

function Turnover({ body }: { body: TurnoverReport }) {
  type Row = { cogs: number; averageInventory: number; turns: number | null; daysOfInventory: number | null };
  const figures = <T extends Row>(): Column<T>[] => [
    { key: "cogs", header: "COGS", value: (row) => row.cogs, render: (row) => money(row.cogs), numeric: true },
    { key: "inventory", header: "Avg inventory", value: (row) => row.averageInventory, render: (row) => money(row.averageInventory), numeric: true },
    { key: "turns", header: "Turns", value: (row) => row.turns, render: (row) => fixed(row.turns), numeric: true },
    { key: "days", header: "Days of inventory", value: (row) => row.daysOfInventory, render: (row) => fixed(row.daysOfInventory, 1), numeric: true },
  ];
  return (
    <>
      <Figures items={[["Turns", fixed(body.total.turns)], ["Days of inventory", fixed(body.total.daysOfInventory, 1)], ["COGS", money(body.total.cogs)], ["Average inventory", money(body.total.averageInventory)]]} />
      <Section title="Turnover by category">
        <CardBody>
          <CategoryBars label="Inventory turns by category" rows={body.byCategory} dataKey="turns" name="Turns" />
        </CardBody>
        <SortableTable caption="Turnover by category" rows={body.byCategory} rowKey={(row) => row.category} columns={[{ key: "category", header: "Category", value: (row) => row.category }, ...figures<(typeof body.byCategory)[number]>()]} initialSort={{ key: "turns", direction: "desc" }} testId="category-table" />
      </Section>
      <Section title="By warehouse" description="A warehouse's COGS is its share of the demand it serves or supplies.">
        <SortableTable caption="Turnover by warehouse" rows={body.byWarehouse} rowKey={(row) => row.warehouseId} columns={[{ key: "code", header: "Warehouse", value: (row) => row.code }, ...figures<(typeof body.byWarehouse)[number]>()]} />
      </Section>
      <Section title="By product">
        <SortableTable caption="Turnover by product" rows={body.products} rowKey={(row) => row.productId} columns={[productColumn(), { key: "category", header: "Category", value: (row) => row.category }, ...figures<(typeof body.products)[number]>()]} initialSort={{ key: "turns", direction: "asc" }} testId="product-table" />
      </Section>
    </>
  );
}

function Gmroi({ body }: { body: GmroiReport }) {
  type Row = { revenue: number; grossMargin: number; averageInventory: number; gmroi: number | null };
  const figures = <T extends Row>(): Column<T>[] => [
    { key: "revenue", header: "Revenue", value: (row) => row.revenue, render: (row) => money(row.revenue), numeric: true },
    { key: "margin", header: "Gross margin", value: (row) => row.grossMargin, render: (row) => money(row.grossMargin), numeric: true },
    { key: "inventory", header: "Avg inventory", value: (row) => row.averageInventory, render: (row) => money(row.averageInventory), numeric: true },
    { key: "gmroi", header: "GMROI", value: (row) => row.gmroi, render: (row) => fixed(row.gmroi), numeric: true },
  ];
  return (
    <>
      <Figures items={[["GMROI", fixed(body.total.gmroi)], ["Gross margin", money(body.total.grossMargin)], ["Margin rate", percent(body.total.grossMarginRate)], ["Average inventory", money(body.total.averageInventory)]]} />
      <Section title="GMROI by category">
        <CardBody>
          <CategoryBars label="GMROI by category" rows={body.byCategory} dataKey="gmroi" name="GMROI" />
        </CardBody>
        <SortableTable caption="GMROI by category" rows={body.byCategory} rowKey={(row) => row.category} columns={[{ key: "category", header: "Category", value: (row) => row.category }, ...figures<(typeof body.byCategory)[number]>()]} initialSort={{ key: "gmroi", direction: "desc" }} testId="category-table" />
      </Section>
      <Section title="By product">
        <SortableTable caption="GMROI by product" rows={body.products} rowKey={(row) => row.productId} columns={[productColumn(), ...figures<(typeof body.products)[number]>()]} testId="product-table" />
      </Section>
    </>
  );
}

function Service({ body, fillRates }: { body: ServiceReport; fillRates: boolean }) {
  const total = body.total as ServiceReport["total"] & { fillRateUnits?: number | null; fillRateLines?: number | null };
  type ProductLine = (typeof body.products)[number] & { fillRateUnits?: number | null; fillRateLines?: number | null };
  const products = body.products as ProductLine[];
  return (
    <>
      <Figures
        items={[
          ...(fillRates ? ([["Fill rate (units)", percent(total.fillRateUnits)], ["Fill rate (lines)", percent(total.fillRateLines)]] as [string, string][]) : []),
          ["Stock-out rate (SKUs)", percent(total.stockoutRateBySku)],
          ["Stock-out rate (demand)", percent(total.stockoutRateByDemand)],
          ...(fillRates ? [] : ([["Days out of stock", formatInteger(total.daysOutOfStock)], ["Units unfilled", formatInteger(total.unitsUnfilled)]] as [string, string][])),
        ]}
      />
      <Section title={fillRates ? "Service level by week" : "Stock-outs by week"} description="Share of customer-facing SKU-location days at zero, and the fill rate by units.">
        <CardBody>
          <WeeklyRates
            label={fillRates ? "Service level trend: fill rate and stock-out days per week" : "Stock-out days per week"}
            rows={body.trend}
            series={[
              ...(fillRates ? [{ key: "fillRateUnits", name: "Fill rate (units)", color: "var(--chart-ensemble)" }] : []),
              { key: "stockoutDayRate", name: "Days out of stock", color: "var(--chart-exp)" },
            ]}
          />
        </CardBody>
      </Section>
      <Section title="By warehouse">
        <SortableTable
          caption="Stock-outs by warehouse"
          rows={body.byWarehouse}
          rowKey={(row) => row.warehouseId}
          columns={[
            { key: "code", header: "Warehouse", value: (row) => row.code },
            { key: "rate", header: "SKUs at zero", value: (row) => row.stockoutRateBySku, render: (row) => `${percent(row.stockoutRateBySku)} (${row.skuLocationsAtZero} of ${row.skuLocations})`, numeric: true },
            { key: "days", header: "Days out of stock", value: (row) => row.daysOutOfStock, render: (row) => formatInteger(row.daysOutOfStock), numeric: true },
            { key: "unfilled", header: "Units unfilled", value: (row) => row.unitsUnfilled, render: (row) => formatInteger(row.unitsUnfilled), numeric: true },
          ]}
        />
      </Section>
      <Section title="By product">
        <SortableTable
          caption="Service by product"
          rows={products}
          rowKey={(row) => row.productId}
          testId="product-table"
          columns={[
            productColumn(),
            ...(fillRates
              ? ([
                  { key: "fillUnits", header: "Fill rate (units)", value: (row) => row.fillRateUnits ?? null, render: (row) => percent(row.fillRateUnits), numeric: true },
                  { key: "fillLines", header: "Fill rate (lines)", value: (row) => row.fillRateLines ?? null, render: (row) => percent(row.fillRateLines), numeric: true },
                ] as Column<ProductLine>[])
              : []),
            { key: "days", header: "Days out of stock", value: (row) => row.daysOutOfStock, render: (row) => formatInteger(row.daysOutOfStock), numeric: true },
            { key: "unfilled", header: "Units unfilled", value: (row) => row.unitsUnfilled, render: (row) => formatInteger(row.unitsUnfilled), numeric: true },
          ]}
        />
      </Section>
    </>
  );
}

function DaysOfSupply({ body }: { body: DaysOfSupplyReport }) {
  return (
    <>
      <Figures items={[["Days of supply", fixed(body.total.daysOfSupply, 1)], ["On hand", formatInteger(body.total.onHand)], ["Demand per day", fixed(body.total.dailyDemand, 1)], ["As of", body.asOf ? formatLongDay(body.asOf) : "n/a"]]} />
      <Section title="By product" description="Shortest cover first.">
        <SortableTable
          caption="Days of supply by product"
          rows={body.products}
          rowKey={(row) => row.productId}
          testId="product-table"
          columns={[
            productColumn(),
            { key: "onHand", header: "On hand", value: (row) => row.onHand, render: (row) => formatInteger(row.onHand), numeric: true },
            { key: "demand", header: "Demand / day", value: (row) => row.dailyDemand, render: (row) => fixed(row.dailyDemand, 1), numeric: true },
            { key: "days", header: "Days of supply", value: (row) => row.daysOfSupply, render: (row) => fixed(row.daysOfSupply, 1), numeric: true },
          ]}
        />
      </Section>
      <Section title="By product and warehouse">
        <SortableTable
          caption="Days of supply by product and warehouse"
          rows={body.locations}
          rowKey={(row) => `${row.productId}:${row.warehouseId}`}
          columns={[
            productColumn(),
            { key: "warehouse", header: "Warehouse", value: (row) => row.code },
            { key: "onHand", header: "On hand", value: (row) => row.onHand, render: (row) => formatInteger(row.onHand), numeric: true },
            { key: "days", header: "Days of supply", value: (row) => row.daysOfSupply, render: (row) => fixed(row.daysOfSupply, 1), numeric: true },
          ]}
        />
      </Section>
    </>
  );
}

function Abc({ body }: { body: AbcReport }) {
  type Item = (typeof body.items)[number] & { xyz?: string; cv?: number | null };
  const items = body.items as Item[];
  const matrix = "matrix" in body ? (body.matrix as Record<string, number>) : null;
  return (
    <>
      <Figures items={body.classes.map((row) => [`Class ${row.class}`, `${row.products} products · ${percent(row.valueShare)}`] as [string, string])} />
      <Section title="Pareto curve" description={`Ranked by ${body.basis === "revenue" ? "revenue" : "usage value at cost"}; A up to ${percent(body.cutoffs.a)}, B up to ${percent(body.cutoffs.b)} of value.`}>
        <CardBody>
          <ParetoCurve items={body.items} cutoffs={body.cutoffs} />
        </CardBody>
      </Section>
      {matrix ? (
        <Section title="ABC-XYZ matrix" description="Products per class.">
          <SortableTable
            caption="ABC-XYZ matrix"
            rows={(["A", "B", "C"] as const).map((abc) => ({ abc, X: matrix[`${abc}X`] ?? 0, Y: matrix[`${abc}Y`] ?? 0, Z: matrix[`${abc}Z`] ?? 0 }))}
            rowKey={(row) => row.abc}
            testId="abc-xyz-matrix"
            columns={[
              { key: "abc", header: "Class", value: (row) => row.abc },
              { key: "X", header: "X", value: (row) => row.X, numeric: true },
              { key: "Y", header: "Y", value: (row) => row.Y, numeric: true },
              { key: "Z", header: "Z", value: (row) => row.Z, numeric: true },
            ]}
          />
        </Section>
      ) : null}
      <Section title="Products">
        <SortableTable
          caption="Products by ABC class"
          rows={items}
          rowKey={(row) => row.productId}
          testId="product-table"
          initialSort={{ key: "rank", direction: "asc" }}
          columns={[
            { key: "rank", header: "Rank", value: (row) => row.rank, numeric: true },
            productColumn(),
            { key: "value", header: "Value", value: (row) => row.value, render: (row) => money(row.value), numeric: true },
            { key: "cumulative", header: "Cumulative", value: (row) => row.cumulativeShare, render: (row) => percent(row.cumulativeShare), numeric: true },
            { key: "abc", header: "ABC", value: (row) => row.abc },
            ...(matrix
              ? ([
                  { key: "cv", header: "CV", value: (row) => row.cv ?? null, render: (row) => fixed(row.cv), numeric: true },
                  { key: "xyz", header: "XYZ", value: (row) => row.xyz ?? null },
                ] as Column<Item>[])
              : []),
          ]}
        />
      </Section>
    </>
  );
}

function Accuracy({ body }: { body: ForecastAccuracyReport }) {
  type Row = { points: number; mape: number | null; bias: number; trackingSignal: number | null; outOfControl: boolean };
  const figures = <T extends Row>(): Column<T>[] => [
    { key: "points", header: "Days", value: (row) => row.points, numeric: true },
    { key: "mape", header: "MAPE", value: (row) => row.mape, render: (row) => (row.mape === null ? "n/a" : `${fixed(row.mape, 1)} %`), numeric: true },
    { key: "bias", header: "Bias", value: (row) => row.bias, render: (row) => fixed(row.bias), numeric: true },
    {
      key: "signal",
      header: "Tracking signal",
      value: (row) => row.trackingSignal,
      render: (row) => <span className={row.outOfControl ? "font-semibold text-red-700 dark:text-red-400" : undefined}>{fixed(row.trackingSignal)}{row.outOfControl ? " (out of control)" : ""}</span>,
      numeric: true,
    },
  ];
  if (!body.total) return <Section title="No forecasts to compare">{<CardBody>No saved forecast has a day in this period with sales to compare against.</CardBody>}</Section>;
  return (
    <>
      <Figures items={[["Ensemble MAPE", body.total.mape === null ? "n/a" : `${fixed(body.total.mape, 1)} %`], ["Bias", fixed(body.total.bias)], ["Tracking signal", fixed(body.total.trackingSignal)], ["Control limit", `±${body.trackingSignalLimit}`]]} />
      <Section title="Forecast accuracy over time">
        <CardBody>
          <AccuracyOverTime trend={body.trend} />
        </CardBody>
      </Section>
      <Section title="By model">
        <SortableTable caption="Accuracy by model" rows={body.models} rowKey={(row) => row.model} columns={[{ key: "model", header: "Model", value: (row) => row.model }, ...figures<(typeof body.models)[number]>()]} testId="model-table" />
      </Section>
      <Section title="By product and model" description="Largest tracking signal first.">
        <SortableTable caption="Accuracy by product and model" rows={body.products} rowKey={(row) => `${row.productId}:${row.model}`} columns={[productColumn(), { key: "model", header: "Model", value: (row) => row.model }, ...figures<(typeof body.products)[number]>()]} testId="product-table" />
      </Section>
    </>
  );
}
