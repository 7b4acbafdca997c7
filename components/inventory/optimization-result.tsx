"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, type ReactNode } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { JobResult, OptimizationDetail } from "../api/types";
import { ExportButtons } from "../exports/export-button";
import { formatDateTime, formatDay, formatDecimal } from "../format";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Skeleton } from "../ui/skeleton";
import { AllocationTable } from "./allocation-table";
import { formatCount, formatDays, formatMoney, formatPerDay, formatShare, formatUnits } from "./units";
import { WarehousePolicyTable } from "./warehouse-policy-table";

/** Reads a saved result; the job's result only names it and carries the product-wide policy. */
export function useOptimization(resultId: string | null) {
  return useQuery({
    queryKey: queryKeys.inventory.optimization(resultId ?? ""),
    queryFn: ({ signal }) => getJson<OptimizationDetail>(`/api/v1/optimizations/${encodeURIComponent(resultId!)}`, { signal }),
    enabled: resultId !== null,
    // A saved result changes only when its job re-runs, which yields a new run to look at.
    staleTime: 5 * 60_000,
  });
}

/** Where the run's demand came from, with a link to the forecast run when it was one. */
export function DemandSource({ detail }: { detail: Pick<OptimizationDetail, "demandSource" | "forecast" | "inputs"> }) {
  const { demand } = detail.inputs;
  const stats = `${formatPerDay(demand.mean)} on average, σ ${formatDecimal(demand.std)}`;
  if (detail.demandSource === "forecast") {
    return (
      <>
        From forecast{" "}
        {detail.forecast ? (
          <Link className="font-medium text-indigo-700 hover:underline dark:text-indigo-400" href={`/forecasts?job=${encodeURIComponent(detail.forecast.jobId)}`}>
            of {formatDateTime(detail.forecast.createdAt)}
          </Link>
        ) : (
          "(since deleted)"
        )}{" "}
        ({demand.days} days ahead): {stats}
      </>
    );
  }
  return (
    <>
      From history (the last {demand.days} days of sales): {stats}
    </>
  );
}

function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-xl font-semibold text-slate-900 tabular-nums dark:text-white">{value}</dd>
      {hint ? <dd className="text-xs text-slate-600 dark:text-slate-400">{hint}</dd> : null}
    </div>
  );
}

/** The costs, service level and lead time a run used, each marked as the job's or the product's own. */
function InputsList({ inputs }: { inputs: OptimizationDetail["inputs"] }) {
  const fromJob = new Set(inputs.fromJob);
  const origin = (...keys: string[]) =>
    keys.some((key) => fromJob.has(key)) ? <Badge tone="accent">set for this run</Badge> : <span className="text-xs text-slate-500">product&apos;s own</span>;
  const rows: [string, ReactNode, ReactNode][] = [
    ["Ordering cost", `${formatMoney(inputs.orderingCost)} per order`, origin("orderingCost")],
    ["Holding-cost rate", `${formatDecimal(inputs.holdingCostRate * 100)} % a year`, origin("holdingCostRate")],
    ["Service level", `${formatShare(inputs.serviceLevel)} (z = ${inputs.serviceLevelZ.toFixed(3)})`, origin("serviceLevel", "serviceLevelZ")],
    ["Supplier lead time", inputs.leadTimeStdDays > 0 ? `${formatDays(inputs.leadTimeDays)} ± ${formatDecimal(inputs.leadTimeStdDays)}` : formatDays(inputs.leadTimeDays), null],
    ["Unit cost", formatMoney(inputs.unitCost), null],
    ["Shortage cost", `${formatMoney(inputs.shortageCost)} per unit short`, null],
  ];
  return (
    <dl className="grid grid-cols-1 gap-x-8 gap-y-1 text-sm xl:grid-cols-2" data-testid="optimization-inputs">
      {rows.map(([label, value, note]) => (
        <div key={label} className="flex flex-wrap items-baseline justify-between gap-x-3 border-b border-slate-100 py-1.5 dark:border-slate-800">
          <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
          <dd className="flex items-baseline gap-2 text-slate-900 tabular-nums dark:text-slate-100">
            {value} {note}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A completed optimisation: the product's policy and recommendation (from the run's result), each
 * warehouse's policy, the allocation and the inputs used (from the saved result).
 */
export function OptimizationResultView({ result }: { result: JobResult<"optimization"> }) {
  const queryClient = useQueryClient();
  const resultId = typeof result.resultId === "string" ? result.resultId : null;
  const saved = useOptimization(resultId);

  // A new policy changes what there is to order.
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.inventory.reorder() });
  }, [queryClient, resultId]);

  if (!resultId) return <Alert tone="warning">The run completed but its result does not name a saved optimisation.</Alert>;
  if (saved.isError) {
    return (
      <Alert tone="error" title="Could not load the optimisation" actions={<Button variant="secondary" size="sm" onClick={() => void saved.refetch()}>Try again</Button>}>
        {errorMessage(saved.error)}
      </Alert>
    );
  }
  if (!saved.data) {
    return (
      <Card aria-busy aria-label="Loading optimisation">
        <CardBody className="space-y-4">
          <Skeleton className="h-5 w-64" />
          <Skeleton className="h-40 w-full" />
        </CardBody>
      </Card>
    );
  }

  const detail = saved.data;
  const { policy, recommendation } = result;
  return (
    <div className="space-y-6">
      <Card aria-labelledby="policy-title">
        <CardHeader
          titleId="policy-title"
          title={
            <>
              Inventory policy —{" "}
              <Link href={`/products/${encodeURIComponent(detail.product.id)}`} className="text-indigo-700 hover:underline dark:text-indigo-400">
                {detail.product.name}
              </Link>
            </>
          }
          description={
            <>
              <span className="font-mono">{detail.product.sku}</span> · all warehouses together, against the supplier · <DemandSource detail={detail} />
            </>
          }
        />
        <CardBody>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-4 sm:grid-cols-3" data-testid="policy-summary">
            <Stat label="EOQ" value={formatUnits(policy.eoq)} hint={`${formatDecimal(policy.ordersPerYear)} orders a year`} />
            <Stat label="Safety stock" value={formatUnits(policy.safetyStock)} hint={`σ over lead time ${formatDecimal(policy.leadTimeDemandStd)}`} />
            <Stat label="Reorder point" value={formatUnits(policy.reorderPoint)} hint={`lead-time demand ${formatCount(policy.leadTimeDemand)}`} />
            <Stat label="Cycle service" value={formatShare(policy.cycleServiceLevel)} hint={`${formatDecimal(policy.expectedShortagePerCycle)} units short per cycle`} />
            <Stat label="Fill rate" value={formatShare(policy.fillRate)} />
            <Stat label="Yearly cost" value={formatMoney(policy.annualCost)} hint="ordering + holding" />
          </dl>
          <p className="mt-4 text-sm text-slate-700 dark:text-slate-300" data-testid="product-recommendation">
            {recommendation.orderNow ? (
              <>
                <Badge tone="danger">Order now</Badge> {formatUnits(recommendation.quantity)}: the inventory position of {formatUnits(recommendation.inventoryPosition)} is at or below the reorder point.
              </>
            ) : recommendation.orderBy ? (
              <>
                Next order of {formatUnits(recommendation.quantity)} by <strong>{formatDay(recommendation.orderBy)}</strong>; inventory position {formatUnits(recommendation.inventoryPosition)}.
              </>
            ) : (
              "No demand: nothing to order."
            )}
            {recommendation.daysOfCover !== null ? ` Stock on hand covers ${formatDays(recommendation.daysOfCover)}.` : null}
          </p>
        </CardBody>
      </Card>

      <Card aria-labelledby="warehouses-title">
        <CardHeader
          titleId="warehouses-title"
          title="Per warehouse"
          description="Quantities in units, stock as the run saw it. Regional warehouses serve their share of demand and are replenished from their cheapest central DC; DCs buy from the supplier."
        />
        <div className="px-5 pb-3">
          {/* Today's recommendation from this result's policies, for every warehouse with demand (a year's horizon). */}
          <ExportButtons entity="optimizations" filters={{ optimizationId: detail.id, days: 365 }} label="Export per warehouse" />
        </div>
        <WarehousePolicyTable warehouses={detail.warehouses} caption="Policy and recommendation per warehouse" />
      </Card>

      <Card aria-labelledby="allocation-title">
        <CardHeader titleId="allocation-title" title="Allocation" description="Central stock shared among the regional warehouses that need to order now." />
        <AllocationTable detail={detail} />
      </Card>

      <Card aria-labelledby="inputs-title">
        <CardHeader titleId="inputs-title" title="Inputs used" description={`Saved with the result on ${formatDateTime(detail.createdAt)}.`} />
        <CardBody>
          <InputsList inputs={detail.inputs} />
        </CardBody>
      </Card>
    </div>
  );
}
