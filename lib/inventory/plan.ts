import type { AllocationProblem, AllocationResult } from "./allocation";
import { warehouseShareOfDemand, type DailyDemand } from "./demand";
import { inventoryPolicy, type InventoryPolicy } from "./policy";
import { reorderRecommendation, type ReorderRecommendation } from "./recommendation";

/**
 * One product's plan across its organisation's network: the product's own (s, Q) policy against
 * its supplier, a policy and a reorder recommendation per warehouse, and the allocation problem
 * that shares the central stock among the regional warehouses that need to reorder.
 *
 * - A regional warehouse serves its demand share of the product (each unit independently, see
 *   `warehouseShareOfDemand`) and is replenished from a central DC along its cheapest lane, whose
 *   transit days are its lead time (fixed). One with no lane in buys from the supplier.
 * - A central DC buys from the supplier (the product's lead time, mean and standard deviation) for
 *   the demand of the regional warehouses it normally supplies (those whose cheapest lane starts
 *   there).
 * - Supply for the allocation is each central DC's stock on hand plus its open incoming orders;
 *   a regional warehouse's need is its recommended order when it should order now, else 0; its
 *   headroom is its capacity less the stock of all products on hand there.
 */
export interface PlanWarehouse {
  id: string;
  code: string;
  name: string;
  kind: "CENTRAL" | "REGIONAL";
  capacity: number;
  demandShare: number;
  /** This product's stock on hand (latest snapshot). */
  onHand: number;
  /** This product's open incoming orders. */
  onOrder: number;
  /** All products' stock on hand, against the capacity. */
  stockAllProducts: number;
}

export interface PlanInput {
  today: Date;
  /** The product's daily demand over the whole organisation. */
  demand: DailyDemand;
  leadTimeDays: number;
  leadTimeStdDays: number;
  orderingCost: number;
  unitCost: number;
  holdingCostRate: number;
  serviceLevelZ: number;
  /** Cost of a unit a warehouse needs and does not get (in the allocation). */
  shortageCost: number;
  warehouses: readonly PlanWarehouse[];
  lanes: readonly { from: string; to: string; costPerUnit: number; transitDays: number }[];
}

export interface WarehousePlan {
  id: string;
  code: string;
  name: string;
  kind: "CENTRAL" | "REGIONAL";
  /** Where its replenishment comes from: a central DC's warehouse id, or null for the supplier. */
  suppliedFrom: string | null;
  dailyDemand: number;
  dailyDemandStd: number;
  leadTimeDays: number;
  leadTimeStdDays: number;
  onHand: number;
  onOrder: number;
  policy: InventoryPolicy;
  recommendation: ReorderRecommendation;
}

export interface ProductPlan {
  policy: InventoryPolicy;
  recommendation: ReorderRecommendation;
  warehouses: WarehousePlan[];
  allocation: AllocationProblem;
}

type NetworkWarehouse = Pick<PlanWarehouse, "id" | "kind" | "demandShare">;
type NetworkLane = PlanInput["lanes"][number];

/** Each regional warehouse's cheapest lane from a central DC (undefined: it buys from the supplier). */
function primaryLanes<L extends NetworkLane>(warehouses: readonly NetworkWarehouse[], lanes: readonly L[]): Map<string, L | undefined> {
  const centralIds = new Set(warehouses.filter((warehouse) => warehouse.kind === "CENTRAL").map((warehouse) => warehouse.id));
  return new Map(
    warehouses
      .filter((warehouse) => warehouse.kind === "REGIONAL")
      .map((warehouse) => {
        const inbound = lanes.filter((lane) => lane.to === warehouse.id && centralIds.has(lane.from));
        const cheapest = inbound.reduce<L | undefined>((best, lane) => (!best || lane.costPerUnit < best.costPerUnit ? lane : best), undefined);
        return [warehouse.id, cheapest] as const;
      }),
  );
}

/**
 * Each warehouse's share of a product's demand: a regional warehouse's own demand share, a central
 * DC's the sum of the shares of the regional warehouses it normally supplies (capped at 1).
 */
export function warehouseDemandShares(warehouses: readonly NetworkWarehouse[], lanes: readonly NetworkLane[]): Map<string, number> {
  const primary = primaryLanes(warehouses, lanes);
  const regional = warehouses.filter((warehouse) => warehouse.kind === "REGIONAL");
  return new Map(
    warehouses.map((warehouse) => [
      warehouse.id,
      Math.min(
        1,
        warehouse.kind === "REGIONAL"
          ? warehouse.demandShare
          : regional.filter((candidate) => primary.get(candidate.id)?.from === warehouse.id).reduce((sum, candidate) => sum + candidate.demandShare, 0),
      ),
    ]),
  );
}

export function planProduct(input: PlanInput): ProductPlan {
  const costs = { orderingCost: input.orderingCost, unitCost: input.unitCost, holdingCostRate: input.holdingCostRate, serviceLevelZ: input.serviceLevelZ };
  const supplierLeadTime = { leadTimeDays: input.leadTimeDays, leadTimeStdDays: input.leadTimeStdDays };
  const policy = inventoryPolicy({ ...costs, ...supplierLeadTime, dailyDemand: input.demand.mean, dailyDemandStd: input.demand.std });
  const regional = input.warehouses.filter((warehouse) => warehouse.kind === "REGIONAL");
  const centralIds = new Set(input.warehouses.filter((warehouse) => warehouse.kind === "CENTRAL").map((warehouse) => warehouse.id));
  const primary = primaryLanes(input.warehouses, input.lanes);
  const shares = warehouseDemandShares(input.warehouses, input.lanes);

  const warehouses = input.warehouses.map((warehouse): WarehousePlan => {
    const lane = primary.get(warehouse.id);
    const demand = warehouseShareOfDemand(input.demand, shares.get(warehouse.id)!);
    const leadTime = lane ? { leadTimeDays: lane.transitDays, leadTimeStdDays: 0 } : supplierLeadTime;
    const own = inventoryPolicy({ ...costs, ...leadTime, dailyDemand: demand.mean, dailyDemandStd: demand.std });
    return {
      id: warehouse.id,
      code: warehouse.code,
      name: warehouse.name,
      kind: warehouse.kind,
      suppliedFrom: lane?.from ?? null,
      dailyDemand: demand.mean,
      dailyDemandStd: demand.std,
      ...leadTime,
      onHand: warehouse.onHand,
      onOrder: warehouse.onOrder,
      policy: own,
      recommendation: reorderRecommendation({ reorderPoint: own.reorderPoint, orderQuantity: own.eoq, dailyDemand: demand.mean, onHand: warehouse.onHand, onOrder: warehouse.onOrder, today: input.today }),
    };
  });

  const onHand = input.warehouses.reduce((sum, warehouse) => sum + warehouse.onHand, 0);
  const onOrder = input.warehouses.reduce((sum, warehouse) => sum + warehouse.onOrder, 0);
  const recommendation = reorderRecommendation({ reorderPoint: policy.reorderPoint, orderQuantity: policy.eoq, dailyDemand: input.demand.mean, onHand, onOrder, today: input.today });

  const sources = input.warehouses.filter((warehouse) => warehouse.kind === "CENTRAL");
  const allocation: AllocationProblem = {
    sources: sources.map((warehouse) => ({ id: warehouse.id })),
    destinations: regional.map((warehouse) => ({ id: warehouse.id, headroom: Math.max(0, warehouse.capacity - warehouse.stockAllProducts) })),
    lanes: input.lanes.filter((lane) => centralIds.has(lane.from) && regional.some((warehouse) => warehouse.id === lane.to)),
    products: [
      {
        id: "product",
        shortageCost: input.shortageCost,
        supply: Object.fromEntries(sources.map((warehouse) => [warehouse.id, warehouse.onHand + warehouse.onOrder])),
        need: Object.fromEntries(
          warehouses.filter((plan) => plan.kind === "REGIONAL").map((plan) => [plan.id, plan.recommendation.orderNow ? plan.recommendation.quantity : 0]),
        ),
      },
    ],
  };
  return { policy, recommendation, warehouses, allocation };
}

/** What the allocation gives each warehouse of a plan: units in and short, and the shipments by DC. */
export function allocationByWarehouse(result: AllocationResult): Map<string, { allocated: number; short: number; target: number; from: { warehouseId: string; quantity: number; cost: number }[] }> {
  const byWarehouse = new Map<string, { allocated: number; short: number; target: number; from: { warehouseId: string; quantity: number; cost: number }[] }>();
  for (const row of result.destinations) byWarehouse.set(row.destination, { allocated: row.allocated, short: row.short, target: row.target, from: [] });
  for (const shipment of result.shipments) byWarehouse.get(shipment.to)?.from.push({ warehouseId: shipment.from, quantity: shipment.quantity, cost: shipment.cost });
  return byWarehouse;
}
