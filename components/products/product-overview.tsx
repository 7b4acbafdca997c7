"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError, errorMessage, getJson } from "../api/api-client";
import type { ProductOverview } from "../api/types";
import { ExportButtons } from "../exports/export-button";
import { formatDateTime, formatDay, formatDecimal, formatLongDay } from "../format";
import { ForecastChart } from "../forecasts/forecast-chart";
import { DemandSource } from "../inventory/optimization-result";
import { formatCount, formatDays, formatMoney, formatShare, formatUnits } from "../inventory/units";
import { WarehousePolicyTable } from "../inventory/warehouse-policy-table";
import { PageHeader } from "../page-header";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { SalesChart } from "./sales-chart";

const SALES_DAYS = 180;

const linkButton =
  "inline-flex items-center rounded-md px-3 py-2 text-sm font-medium shadow-sm ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900 tabular-nums dark:text-slate-100">{children}</dd>
    </div>
  );
}

/** The product page: its sales and latest forecast, stock per warehouse, open orders and latest policy. */
export function ProductOverviewView({ productId }: { productId: string }) {
  const overview = useQuery({
    queryKey: queryKeys.products.overview(productId),
    queryFn: ({ signal }) => getJson<ProductOverview>(`/api/v1/products/${encodeURIComponent(productId)}/overview?days=${SALES_DAYS}`, { signal }),
  });

  if (overview.isPending) {
    return (
      <div className="space-y-6" aria-busy aria-label="Loading the product">
        <Skeleton className="h-8 w-72" />
        <Skeleton className="h-80 w-full" />
      </div>
    );
  }
  if (overview.isError) {
    const notFound = overview.error instanceof ApiRequestError && overview.error.status === 404;
    return (
      <Alert
        tone={notFound ? "warning" : "error"}
        title={notFound ? "Product not found" : "Could not load the product"}
        actions={notFound ? null : <Button variant="secondary" size="sm" onClick={() => void overview.refetch()}>Try again</Button>}
      >
        {notFound ? "There is no such product in your organisation." : errorMessage(overview.error)}
      </Alert>
    );
  }

  const product = overview.data;
  const { supply, latestForecast: forecast, latestPolicy: policy } = product;
  const policyByWarehouse = new Map((policy?.warehouses ?? []).map((warehouse) => [warehouse.warehouseId, warehouse]));

  return (
    <>
      <PageHeader
        title={product.name}
        description={
          <>
            <span className="font-mono">{product.sku}</span> · {product.category}
          </>
        }
        actions={
          <div className="flex flex-wrap gap-2">
            <Link href={`/forecasts?product=${encodeURIComponent(product.id)}`} className={`${linkButton} bg-white text-slate-900 ring-slate-300 hover:bg-slate-50 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700`}>
              Run a forecast
            </Link>
            <Link href={`/inventory?product=${encodeURIComponent(product.id)}`} className={`${linkButton} bg-indigo-600 text-white ring-indigo-600 hover:bg-indigo-500`}>
              Run an optimisation
            </Link>
          </div>
        }
      />

      <div className="space-y-6">
        <Card aria-labelledby="terms-title">
          <CardHeader titleId="terms-title" title="Costs and supply" />
          <CardBody>
            <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4 lg:grid-cols-7" data-testid="product-terms">
              <Fact label="Unit cost">{formatMoney(product.unitCost)}</Fact>
              <Fact label="Price">{product.unitPrice > 0 ? formatMoney(product.unitPrice) : "not set"}</Fact>
              {supply ? (
                <>
                  <Fact label="Supplier">{supply.supplier}</Fact>
                  <Fact label="Lead time">{supply.leadTimeStdDays > 0 ? `${formatDays(supply.leadTimeDays)} ± ${formatDecimal(supply.leadTimeStdDays)}` : formatDays(supply.leadTimeDays)}</Fact>
                  <Fact label="Ordering cost">{formatMoney(supply.orderingCost)} per order</Fact>
                  <Fact label="Holding cost">{formatDecimal(supply.holdingCostRate * 100)} % per year</Fact>
                  <Fact label="Service target">{formatShare(supply.serviceLevel)}</Fact>
                </>
              ) : (
                <Fact label="Supply">No lead time or ordering cost yet: import them before optimising.</Fact>
              )}
            </dl>
          </CardBody>
        </Card>

        <Card aria-labelledby="sales-title">
          <CardHeader
            titleId="sales-title"
            title={forecast ? "Sales and latest forecast" : "Sales"}
            description={
              product.sales.length === 0
                ? "No sales recorded."
                : `Units per day, last ${product.sales.length} days (${formatLongDay(product.sales[0]!.date)} – ${formatLongDay(product.sales.at(-1)!.date)})` +
                  (forecast ? `; forecast of ${formatDateTime(forecast.createdAt)}, ${forecast.horizon} days ahead` : "; no forecast yet")
            }
            actions={
              forecast ? (
                <Link href={`/forecasts?job=${encodeURIComponent(forecast.jobId)}`} className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                  Open the forecast run
                </Link>
              ) : null
            }
          />
          <CardBody>
            {forecast ? (
              <ForecastChart forecast={forecast} sales={product.sales} />
            ) : product.sales.length > 0 ? (
              <SalesChart sales={product.sales} name={product.name} />
            ) : (
              <EmptyState title="No sales yet">Sales appear here once they are imported or synced.</EmptyState>
            )}
            {product.sales.length > 0 ? (
              <div className="mt-4">
                <ExportButtons entity="sales" filters={{ productId: product.id, startDate: product.sales[0]!.date, endDate: product.sales.at(-1)!.date }} label="Export these sales" />
              </div>
            ) : null}
          </CardBody>
        </Card>

        <div className="grid grid-cols-1 items-start gap-6 xl:grid-cols-2">
          <Card aria-labelledby="stock-title">
            <CardHeader titleId="stock-title" title="Stock per warehouse" description="Latest snapshot of each warehouse; reorder points from the latest policy." />
            {product.stock.length === 0 ? (
              <CardBody>
                <EmptyState title="No warehouses">This organisation has no warehouses yet.</EmptyState>
              </CardBody>
            ) : (
              <Table caption="Stock on hand per warehouse" data-testid="stock-table">
                <THead>
                  <Th>Warehouse</Th>
                  <Th align="right">On hand</Th>
                  <Th align="right">Reorder point</Th>
                  <Th>As of</Th>
                </THead>
                <TBody>
                  {product.stock.map((row) => {
                    const planned = policyByWarehouse.get(row.warehouse.id);
                    return (
                      <Tr key={row.warehouse.id}>
                        <Td rowHeader className="font-medium whitespace-nowrap text-slate-900 dark:text-slate-100">
                          <span className="font-mono">{row.warehouse.code}</span>
                          <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">
                            {row.warehouse.name} · {row.warehouse.kind === "CENTRAL" ? "central DC" : "regional"}
                          </span>
                        </Td>
                        <Td numeric className="whitespace-nowrap">
                          {formatUnits(row.onHand)}
                          {row.unfilled > 0 ? <span className="block text-xs text-amber-800 dark:text-amber-300">{formatCount(row.unfilled)} unfilled that day</span> : null}
                        </Td>
                        <Td numeric className="whitespace-nowrap">
                          {planned ? formatCount(planned.policy.reorderPoint) : "—"}
                        </Td>
                        <Td className="whitespace-nowrap">{row.date ? formatDay(row.date) : "never stocked"}</Td>
                      </Tr>
                    );
                  })}
                </TBody>
              </Table>
            )}
          </Card>

          <Card aria-labelledby="orders-title">
            <CardHeader titleId="orders-title" title="Open orders" description="Purchase orders and transfers not yet received." />
            {product.openOrders.length === 0 ? (
              <CardBody>
                <EmptyState title="No open orders">Nothing is on its way for this product.</EmptyState>
              </CardBody>
            ) : (
              <Table caption="Open purchase orders and transfers" data-testid="open-orders-table">
                <THead>
                  <Th>Order</Th>
                  <Th>To</Th>
                  <Th>From</Th>
                  <Th align="right">Quantity</Th>
                  <Th>Expected</Th>
                </THead>
                <TBody>
                  {product.openOrders.map((order) => (
                    <Tr key={order.id}>
                      <Td rowHeader className="font-mono font-medium whitespace-nowrap text-slate-900 dark:text-slate-100">
                        {order.reference}
                      </Td>
                      <Td className="font-mono whitespace-nowrap">{order.warehouse.code}</Td>
                      <Td className="whitespace-nowrap">{order.from.kind === "transfer" ? <span className="font-mono">{order.from.name}</span> : (order.from.name ?? "Supplier")}</Td>
                      <Td numeric className="whitespace-nowrap">
                        {formatUnits(order.quantity)}
                      </Td>
                      <Td className="whitespace-nowrap">
                        {formatDay(order.expectedDate)}
                        <span className="block text-xs text-slate-600 dark:text-slate-400">ordered {formatDay(order.orderedDate)}</span>
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            )}
          </Card>
        </div>

        <Card aria-labelledby="latest-policy-title">
          <CardHeader
            titleId="latest-policy-title"
            title="Latest policy"
            description={
              policy ? (
                <>
                  Optimised {formatDateTime(policy.createdAt)} · <DemandSource detail={policy} />. The recommendations are as of the run; the inventory page&apos;s reorder list holds them against today&apos;s stock.
                </>
              ) : (
                "Not optimised yet."
              )
            }
            actions={
              policy ? (
                <Link href={`/inventory?job=${encodeURIComponent(policy.jobId)}`} className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                  Open the optimisation run
                </Link>
              ) : null
            }
          />
          {policy ? (
            <>
              <CardBody>
                <dl className="grid grid-cols-3 gap-x-6 gap-y-3 sm:max-w-xl" data-testid="latest-policy">
                  <Fact label="EOQ">{formatUnits(policy.eoq)}</Fact>
                  <Fact label="Safety stock">{formatUnits(policy.safetyStock)}</Fact>
                  <Fact label="Reorder point">{formatUnits(policy.reorderPoint)}</Fact>
                </dl>
              </CardBody>
              <WarehousePolicyTable warehouses={policy.warehouses} caption="Latest policy per warehouse" />
            </>
          ) : (
            <CardBody>
              <EmptyState title="No policy yet">
                <Link href={`/inventory?product=${encodeURIComponent(product.id)}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                  Run an optimisation
                </Link>{" "}
                to get its EOQ, safety stock and reorder points.
              </EmptyState>
            </CardBody>
          )}
        </Card>
      </div>
    </>
  );
}
