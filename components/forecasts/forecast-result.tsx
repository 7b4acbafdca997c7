"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { ForecastDetail, JobResult, ProductWithHistory } from "../api/types";
import { formatLongDay } from "../format";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Skeleton } from "../ui/skeleton";
import { ExportButtons } from "../exports/export-button";
import { AccuracyTable } from "./accuracy-table";
import { ForecastChart } from "./forecast-chart";

const HISTORY_DAYS = 180;

/**
 * A completed forecast run: the saved forecast next to the product's recent sales, as a chart and
 * an accuracy table. Both come from the forecast record (the job's result only names it and
 * carries the headline numbers), so a run Redis no longer holds shows the same.
 */
export function ForecastResult({ result }: { result: JobResult<"forecast"> }) {
  // The worker checks results against the catalogue, but a run recorded before that may lack the id.
  const forecastId = typeof result.forecastId === "string" ? result.forecastId : null;
  const forecast = useQuery({
    queryKey: queryKeys.forecasts.detail(forecastId ?? ""),
    queryFn: ({ signal }) => getJson<ForecastDetail>(`/api/v1/forecasts/${encodeURIComponent(forecastId!)}`, { signal }),
    enabled: forecastId !== null,
    // A saved forecast never changes; keep it for the session.
    staleTime: Infinity,
  });
  // The product's history is read for the product the record names.
  const productId = forecast.data?.product.id;
  const product = useQuery({
    queryKey: queryKeys.products.detail(productId ?? "", HISTORY_DAYS),
    queryFn: ({ signal }) => getJson<ProductWithHistory>(`/api/v1/products/${encodeURIComponent(productId!)}?days=${HISTORY_DAYS}`, { signal }),
    enabled: productId !== undefined,
    staleTime: 5 * 60_000,
  });

  if (!forecastId) return <Alert tone="warning">The run completed but its result does not name a saved forecast.</Alert>;

  const error = forecast.error ?? product.error;
  if (error) {
    return (
      <Alert
        tone="error"
        title="Could not load the forecast"
        actions={
          <Button
            variant="secondary"
            size="sm"
            onClick={() => {
              if (forecast.isError) void forecast.refetch();
              if (product.isError) void product.refetch();
            }}
          >
            Try again
          </Button>
        }
      >
        {errorMessage(error)}
      </Alert>
    );
  }

  if (!forecast.data || !product.data) {
    return (
      <Card aria-busy aria-label="Loading forecast">
        <CardBody className="space-y-4">
          <Skeleton className="h-5 w-64" />
          <Skeleton className="h-80 w-full" />
        </CardBody>
      </Card>
    );
  }

  const detail = forecast.data;
  const firstDay = detail.points[0]?.date;
  const lastDay = detail.points.at(-1)?.date;
  return (
    <div className="space-y-6">
      <Card aria-labelledby="forecast-chart-title">
        <CardHeader
          titleId="forecast-chart-title"
          title={
            <>
              Demand forecast —{" "}
              <Link href={`/products/${encodeURIComponent(detail.product.id)}`} className="text-indigo-700 hover:underline dark:text-indigo-400">
                {detail.product.name}
              </Link>
            </>
          }
          description={
            <>
              <span className="font-mono">{detail.product.sku}</span> · {detail.product.category} · last {product.data.sales.length} days of sales
              {firstDay && lastDay ? ` and ${detail.horizon} days ahead (${formatLongDay(firstDay)} – ${formatLongDay(lastDay)})` : ""}
            </>
          }
        />
        <CardBody className="space-y-4">
          <ForecastChart forecast={detail} sales={product.data.sales} />
          <ExportButtons entity="forecasts" filters={{ forecastId: detail.id }} label="Export this forecast" />
        </CardBody>
      </Card>
      <Card aria-labelledby="accuracy-title">
        <CardHeader
          titleId="accuracy-title"
          title="Model accuracy"
          description={`MAPE on a holdout of the history (lower is better)${detail.seasonLength ? `; season length ${detail.seasonLength} days` : ""}.`}
        />
        <AccuracyTable forecast={detail} />
      </Card>
    </div>
  );
}
