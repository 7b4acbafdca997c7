import { InventoryInputError } from "./errors";
import { normalCdf, standardNormalLoss } from "./normal";

/** Days in the planning year: daily demand × this = annual demand. */
export const DAYS_PER_YEAR = 365;

/**
 * Economic order quantity Q* = √(2DK/H) (Harris–Wilson): the order size that balances the yearly
 * ordering cost D/Q·K against the yearly holding cost Q/2·H.
 *
 * @param annualDemand - D, units per year
 * @param orderingCost - K (S), cost of placing one order
 * @param holdingCostPerUnit - H, cost of holding one unit for a year (holding rate × unit cost)
 */
export function economicOrderQuantity(annualDemand: number, orderingCost: number, holdingCostPerUnit: number): number {
  nonNegative("annualDemand", annualDemand);
  nonNegative("orderingCost", orderingCost);
  positive("holding cost per unit", holdingCostPerUnit);
  return Math.sqrt((2 * annualDemand * orderingCost) / holdingCostPerUnit);
}

export interface LeadTimeDemand {
  /** Expected demand over the lead time, d·L. */
  mean: number;
  /** σ_L = √(L·σ_d² + d²·σ_LT²): demand and lead-time variability, independent. */
  std: number;
}

/**
 * Demand over the replenishment lead time when both daily demand (mean d, standard deviation σ_d,
 * independent from day to day) and the lead time (mean L, standard deviation σ_LT, in days) vary.
 */
export function leadTimeDemand(dailyDemand: number, dailyDemandStd: number, leadTimeDays: number, leadTimeStdDays = 0): LeadTimeDemand {
  nonNegative("dailyDemand", dailyDemand);
  nonNegative("dailyDemandStd", dailyDemandStd);
  nonNegative("leadTimeDays", leadTimeDays);
  nonNegative("leadTimeStdDays", leadTimeStdDays);
  return {
    mean: dailyDemand * leadTimeDays,
    std: Math.sqrt(leadTimeDays * dailyDemandStd ** 2 + dailyDemand ** 2 * leadTimeStdDays ** 2),
  };
}

/** Safety stock z·σ_L. */
export function safetyStock(z: number, leadTimeDemandStd: number): number {
  positive("serviceLevelZ", z);
  nonNegative("lead-time demand standard deviation", leadTimeDemandStd);
  return z * leadTimeDemandStd;
}

/** Cycle service level of a reorder point: P(lead-time demand ≤ ROP) = Φ((ROP − μ_L)/σ_L). */
export function cycleServiceLevel(reorderPoint: number, demand: LeadTimeDemand): number {
  if (demand.std === 0) return reorderPoint >= demand.mean ? 1 : 0;
  return normalCdf((reorderPoint - demand.mean) / demand.std);
}

/**
 * Expected units short per replenishment cycle, ESC = σ_L·G(k) with k = SS/σ_L and G the standard
 * normal loss function (equivalently −SS·(1 − Φ(k)) + σ_L·φ(k)).
 */
export function expectedShortagePerCycle(safety: number, leadTimeDemandStd: number): number {
  if (leadTimeDemandStd === 0) return 0;
  return leadTimeDemandStd * standardNormalLoss(safety / leadTimeDemandStd);
}

/**
 * Fill rate (share of demand met from stock): 1 − ESC/Q, as one cycle's demand is Q. Bounded at 0
 * for order quantities smaller than a cycle's expected shortage, where the formula stops meaning
 * anything.
 */
export function fillRate(expectedShortage: number, orderQuantity: number): number {
  if (orderQuantity <= 0) return expectedShortage > 0 ? 0 : 1;
  return Math.max(0, 1 - expectedShortage / orderQuantity);
}

export interface PolicyInput {
  /** Mean daily demand d, units. */
  dailyDemand: number;
  /** Standard deviation of daily demand σ_d, units. */
  dailyDemandStd: number;
  leadTimeDays: number;
  /** @defaultValue 0 (a fixed lead time) */
  leadTimeStdDays?: number;
  /** Cost of placing one order, K. */
  orderingCost: number;
  unitCost: number;
  /** Yearly holding cost as a fraction of unit cost (0.25 = 25 % a year). */
  holdingCostRate: number;
  /** Safety factor z. */
  serviceLevelZ: number;
}

/** A continuous-review (s, Q) policy: order Q = EOQ whenever the inventory position falls to s = ROP. */
export interface InventoryPolicy {
  annualDemand: number;
  dailyDemand: number;
  dailyDemandStd: number;
  holdingCostPerUnit: number;
  eoq: number;
  leadTimeDemand: number;
  /** σ_L. */
  leadTimeDemandStd: number;
  serviceLevelZ: number;
  safetyStock: number;
  reorderPoint: number;
  cycleServiceLevel: number;
  expectedShortagePerCycle: number;
  fillRate: number;
  ordersPerYear: number;
  /** Yearly ordering plus holding cost of cycle and safety stock. */
  annualCost: number;
}

export function inventoryPolicy(input: PolicyInput): InventoryPolicy {
  nonNegative("dailyDemand", input.dailyDemand);
  nonNegative("unitCost", input.unitCost);
  positive("holdingCostRate", input.holdingCostRate);
  positive("unitCost × holdingCostRate", input.unitCost * input.holdingCostRate);
  const annualDemand = input.dailyDemand * DAYS_PER_YEAR;
  const holdingCostPerUnit = input.holdingCostRate * input.unitCost;
  const eoq = economicOrderQuantity(annualDemand, input.orderingCost, holdingCostPerUnit);
  const demand = leadTimeDemand(input.dailyDemand, input.dailyDemandStd, input.leadTimeDays, input.leadTimeStdDays ?? 0);
  const safety = safetyStock(input.serviceLevelZ, demand.std);
  const reorderPoint = demand.mean + safety;
  const shortage = expectedShortagePerCycle(safety, demand.std);
  const ordersPerYear = eoq > 0 ? annualDemand / eoq : 0;
  return {
    annualDemand,
    dailyDemand: input.dailyDemand,
    dailyDemandStd: input.dailyDemandStd,
    holdingCostPerUnit,
    eoq,
    leadTimeDemand: demand.mean,
    leadTimeDemandStd: demand.std,
    serviceLevelZ: input.serviceLevelZ,
    safetyStock: safety,
    reorderPoint,
    cycleServiceLevel: cycleServiceLevel(reorderPoint, demand),
    expectedShortagePerCycle: shortage,
    fillRate: fillRate(shortage, eoq),
    ordersPerYear,
    annualCost: ordersPerYear * input.orderingCost + (eoq / 2 + safety) * holdingCostPerUnit,
  };
}

function nonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new InventoryInputError(`${name} must be a number ≥ 0, got ${value}`);
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new InventoryInputError(`${name} must be above 0, got ${value}`);
}
