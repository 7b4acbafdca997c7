import type { OptimizationDetail, SavedWarehouse } from "../api/types";
import { Badge } from "../ui/badge";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { formatCount, formatMoney } from "./units";

/** The rule lib/inventory/allocation.ts applies when the central DCs hold less than the warehouses need. */
export const FAIR_SHARE_RULE =
  "When the central DCs hold less than the regional warehouses need together, each warehouse gets its need × supply ÷ total need, rounded down, and the units the rounding leaves go one each to the largest remainders: every warehouse is short by the same fraction of its need.";

/** What a regional warehouse asked the allocation for: its recommended order when it should order now. */
const needOf = (warehouse: SavedWarehouse) => (warehouse.recommendation.orderNow ? warehouse.recommendation.quantity : 0);

/**
 * How a run shared the central stock (on hand plus incoming) among the regional warehouses that
 * need to reorder: per warehouse its need, the shipments from each DC, their transport cost and
 * what is left short.
 */
export function AllocationTable({ detail }: { detail: Pick<OptimizationDetail, "warehouses" | "allocation"> }) {
  const central = detail.warehouses.filter((warehouse) => warehouse.kind === "CENTRAL");
  const destinations = detail.warehouses.filter((warehouse) => warehouse.kind === "REGIONAL");
  const supply = central.reduce((sum, warehouse) => sum + warehouse.onHand + warehouse.onOrder, 0);
  const need = destinations.reduce((sum, warehouse) => sum + needOf(warehouse), 0);
  const { allocation } = detail;

  return (
    <div>
      <div className="flex flex-wrap gap-x-6 gap-y-1 px-5 py-3 text-sm text-slate-700 dark:text-slate-300">
        <span>
          Central supply: <strong className="text-slate-900 tabular-nums dark:text-white">{formatCount(supply)} units</strong>
          {central.length > 0 ? (
            <span className="text-slate-600 dark:text-slate-400">
              {" "}
              ({central.map((warehouse) => `${warehouse.code} ${formatCount(warehouse.onHand)} on hand + ${formatCount(warehouse.onOrder)} on order`).join("; ")})
            </span>
          ) : null}
        </span>
        <span>
          Need: <strong className="text-slate-900 tabular-nums dark:text-white">{formatCount(need)} units</strong>
          {need === 0 && destinations.length > 0 ? <span className="text-slate-600 dark:text-slate-400"> (no regional warehouse needs to order now, so nothing is shipped)</span> : null}
        </span>
      </div>
      {destinations.length === 0 ? (
        <p className="px-5 pb-4 text-sm text-slate-600 dark:text-slate-400">This organisation has no regional warehouses: nothing to allocate.</p>
      ) : (
        <Table caption="Allocation of central stock to regional warehouses" data-testid="allocation-table">
          <THead>
            <Th>Warehouse</Th>
            <Th align="right">Need</Th>
            <Th>From</Th>
            <Th align="right">Allocated</Th>
            <Th align="right">Transport cost</Th>
            <Th align="right">Short</Th>
          </THead>
          <TBody>
            {destinations.map((warehouse) => {
              const cost = warehouse.shipments.reduce((sum, shipment) => sum + shipment.cost, 0);
              return (
                <Tr key={warehouse.warehouseId}>
                  <Td rowHeader className="font-mono font-medium whitespace-nowrap text-slate-900 dark:text-slate-100">
                    {warehouse.code}
                  </Td>
                  <Td numeric>{formatCount(needOf(warehouse))}</Td>
                  <Td className="whitespace-nowrap">
                    {warehouse.shipments.length === 0 ? (
                      <span className="text-slate-500">—</span>
                    ) : (
                      <ul>
                        {warehouse.shipments.map((shipment) => (
                          <li key={shipment.from}>
                            <span className="font-mono">{shipment.from}</span> → {formatCount(shipment.quantity)} units · {formatMoney(shipment.cost)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </Td>
                  <Td numeric>{formatCount(warehouse.allocated)}</Td>
                  <Td numeric>{formatMoney(cost)}</Td>
                  <Td numeric>{warehouse.short > 0 ? <Badge tone="warning">{formatCount(warehouse.short)}</Badge> : "0"}</Td>
                </Tr>
              );
            })}
          </TBody>
          <tfoot className="border-t border-slate-200 text-sm font-medium text-slate-900 dark:border-slate-800 dark:text-slate-100">
            <tr>
              <th scope="row" colSpan={4} className="py-2.5 pl-5 text-left">
                Total
              </th>
              <td className="px-3 py-2.5 text-right tabular-nums">{formatMoney(allocation.transportCost)}</td>
              <td className="py-2.5 pr-5 pl-3 text-right tabular-nums">
                {formatCount(destinations.reduce((sum, warehouse) => sum + warehouse.short, 0))} ({formatMoney(allocation.shortageCost)})
              </td>
            </tr>
          </tfoot>
        </Table>
      )}
      <div className="border-t border-slate-200 px-5 py-3 text-sm dark:border-slate-800" data-testid="fair-share">
        <p className="font-medium text-slate-900 dark:text-slate-100">
          Fair share {allocation.fairShare ? <Badge tone="warning">applied: supply was short</Badge> : <Badge tone="success">not needed: supply covered the need</Badge>}
        </p>
        <p className="mt-1 text-slate-600 dark:text-slate-400">{FAIR_SHARE_RULE}</p>
        <p className="mt-1 text-slate-600 dark:text-slate-400">
          The allocation minimises transport plus shortage cost (a unit short costs its price, or its cost where no price is set) within each warehouse&apos;s free capacity, in whole units.
        </p>
      </div>
    </div>
  );
}
