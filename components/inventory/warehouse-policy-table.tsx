import type { SavedWarehouse } from "../api/types";
import { formatDay } from "../format";
import { Badge } from "../ui/badge";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { formatCount, formatPerDay } from "./units";

/** A warehouse's recommendation in a few words: order now, order by a day, or nothing to order. */
export function RecommendationBadge({ recommendation }: { recommendation: SavedWarehouse["recommendation"] }) {
  if (recommendation.orderNow) return <Badge tone="danger">Order {formatCount(recommendation.quantity)} now</Badge>;
  // Plain text that may wrap: most warehouses have a date, and a column of badges would not fit the panel.
  if (recommendation.orderBy) {
    return (
      <span>
        Order {formatCount(recommendation.quantity)} <span className="whitespace-nowrap">by {formatDay(recommendation.orderBy)}</span>
      </span>
    );
  }
  return <span className="text-slate-600 dark:text-slate-400">No demand</span>;
}

/**
 * Each warehouse's (s, Q) policy and recommendation, as an optimisation run saved them: its source
 * (supplier or central DC) with the lead time, demand, stock on hand and on order at the time.
 */
export function WarehousePolicyTable({ warehouses, caption }: { warehouses: readonly SavedWarehouse[]; caption: string }) {
  return (
    <Table caption={caption} data-testid="warehouse-policy-table">
      <THead>
        <Th>Warehouse</Th>
        <Th>Source</Th>
        <Th align="right">Demand</Th>
        <Th align="right">Stock</Th>
        <Th align="right">EOQ</Th>
        {/* Two-word headers wrap, so the table fits the run panel's width. */}
        <Th align="right" className="whitespace-normal">
          Safety stock
        </Th>
        <Th align="right" className="whitespace-normal">
          Reorder point
        </Th>
        <Th className="whitespace-normal">Recommendation</Th>
      </THead>
      <TBody>
        {warehouses.map((warehouse) => (
          <Tr key={warehouse.warehouseId}>
            <Td rowHeader className="font-medium text-slate-900 dark:text-slate-100">
              <span className="font-mono whitespace-nowrap">{warehouse.code}</span>
              <span className="block min-w-32 text-xs font-normal text-slate-600 dark:text-slate-400">
                {warehouse.name} · {warehouse.kind === "CENTRAL" ? "central DC" : "regional"}
              </span>
            </Td>
            <Td className="whitespace-nowrap">
              {warehouse.suppliedFrom ? <span className="font-mono">{warehouse.suppliedFrom}</span> : "Supplier"}
              <span className="block text-xs text-slate-600 dark:text-slate-400">
                {warehouse.leadTimeStdDays > 0 ? `${warehouse.leadTimeDays} ± ${warehouse.leadTimeStdDays} days` : `${warehouse.leadTimeDays} days`}
              </span>
            </Td>
            <Td numeric className="whitespace-nowrap">{formatPerDay(warehouse.policy.dailyDemand)}</Td>
            <Td numeric className="whitespace-nowrap">
              {formatCount(warehouse.onHand)}
              <span className="block text-xs text-slate-600 dark:text-slate-400">{warehouse.onOrder > 0 ? `+ ${formatCount(warehouse.onOrder)} on order` : "none on order"}</span>
            </Td>
            <Td numeric>{formatCount(warehouse.policy.eoq)}</Td>
            <Td numeric>{formatCount(warehouse.policy.safetyStock)}</Td>
            <Td numeric>{formatCount(warehouse.policy.reorderPoint)}</Td>
            <Td>
              <RecommendationBadge recommendation={warehouse.recommendation} />
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
