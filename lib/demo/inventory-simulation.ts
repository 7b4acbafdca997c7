import { dailyDemandStats, warehouseShareOfDemand } from "../inventory/demand";
import { inventoryPolicy, type InventoryPolicy } from "../inventory/policy";
import { primaryLane, type DemoNetwork, type DemoSupplyTerms } from "./demo-network";
import { normal, prng } from "./sales-generator";

/**
 * Plays a product's demand history through its distribution network day by day, so the seeded
 * stock, sales, purchase orders and stock-outs hang together:
 *
 * - each unit demanded is served by a regional warehouse drawn with its demand share; what is not
 *   on hand is lost (recorded as `unfilled`), and what is shipped is the day's sale;
 * - a regional warehouse reviews its position (on hand + in transit) every day and, at or below its
 *   reorder point, asks its primary DC for enough to get back to ROP + Q; the DC sends what it has,
 *   arriving after the lane's transit days;
 * - a central DC orders from the supplier the same way, with the product's lead time drawn from a
 *   normal distribution (mean and standard deviation of its supply terms);
 * - the policies (EOQ, safety stock, ROP from lib/inventory) are refitted every quarter from the
 *   demand of the last quarter, with a safety factor a little below the product's target, so
 *   growth and promotions cause the occasional stock-out a real history has.
 */
export interface SimulationInput {
  network: DemoNetwork;
  /** Total daily demand, oldest first, one entry per day. */
  demand: readonly { date: Date; quantity: number }[];
  terms: DemoSupplyTerms;
  unitCost: number;
  seed: number;
}

export interface SimulatedOrder {
  warehouse: string;
  /** The supplier of a purchase order, or the DC a transfer comes from. */
  supplier: string | null;
  sourceWarehouse: string | null;
  quantity: number;
  orderedDay: number;
  expectedDay: number;
  /** The day it arrived; null when it is still on its way after the last day. */
  receivedDay: number | null;
}

export interface SimulationResult {
  /** Units shipped per day (the sales), same days as the demand. */
  sales: number[];
  /** End-of-day stock and lost demand per warehouse code, one entry per day. */
  stock: Record<string, { onHand: Int32Array; unfilled: Int32Array }>;
  /** Every purchase order, and the transfers still in transit after the last day. */
  orders: SimulatedOrder[];
}

const REFIT_EVERY_DAYS = 91;
const FIRST_FIT_DAYS = 60;

export function simulateInventory(input: SimulationInput): SimulationResult {
  const { network, demand, terms, unitCost } = input;
  const days = demand.length;
  const random = prng(input.seed);
  const regional = network.warehouses.filter((warehouse) => warehouse.kind === "REGIONAL");
  const central = network.warehouses.filter((warehouse) => warehouse.kind === "CENTRAL");
  const supplyLane = new Map(regional.map((warehouse) => [warehouse.code, primaryLane(network, warehouse.code)]));
  const safetyFactor = 0.9 + random() * 1.0;
  const transferCost = Math.max(5, terms.orderingCost / 4);

  // Each unit goes to one regional warehouse, drawn with the demand shares: a chain of binomial
  // draws (each warehouse's share of what the previous ones left).
  const split = new Map(regional.map((warehouse) => [warehouse.code, new Int32Array(days)]));
  for (let day = 0; day < days; day++) {
    let left = demand[day]!.quantity;
    let shareLeft = 1;
    for (const [index, warehouse] of regional.entries()) {
      const last = index === regional.length - 1;
      const units = last ? left : binomial(left, Math.min(1, warehouse.demandShare / shareLeft), random);
      split.get(warehouse.code)![day] = units;
      left -= units;
      shareLeft -= warehouse.demandShare;
    }
  }
  const dcShare = new Map(central.map((dc) => [dc.code, regional.filter((warehouse) => supplyLane.get(warehouse.code)!.from === dc.code).reduce((sum, warehouse) => sum + warehouse.demandShare, 0)]));

  const policies = new Map<string, InventoryPolicy>();
  const refit = (day: number) => {
    const from = day === 0 ? 0 : Math.max(0, day - REFIT_EVERY_DAYS);
    const to = day === 0 ? Math.min(days, FIRST_FIT_DAYS) : day;
    if (to - from < 2) return;
    const total = dailyDemandStats(demand.slice(from, to).map((row) => row.quantity));
    const common = { orderingCost: transferCost, unitCost, holdingCostRate: terms.holdingCostRate, serviceLevelZ: safetyFactor };
    for (const warehouse of regional) {
      const own = dailyDemandStats(Array.from(split.get(warehouse.code)!.subarray(from, to)));
      policies.set(warehouse.code, inventoryPolicy({ ...common, dailyDemand: own.mean, dailyDemandStd: own.std, leadTimeDays: supplyLane.get(warehouse.code)!.transitDays }));
    }
    for (const dc of central) {
      const own = warehouseShareOfDemand(total, dcShare.get(dc.code)!);
      policies.set(dc.code, inventoryPolicy({ ...common, orderingCost: terms.orderingCost, dailyDemand: own.mean, dailyDemandStd: own.std, leadTimeDays: terms.leadTimeDays, leadTimeStdDays: terms.leadTimeStdDays }));
    }
  };
  refit(0);

  const onHand = new Map<string, number>();
  for (const warehouse of network.warehouses) {
    const policy = policies.get(warehouse.code);
    onHand.set(warehouse.code, policy ? Math.round(policy.reorderPoint + policy.eoq / 2) : 0);
  }
  const stock = Object.fromEntries(network.warehouses.map((warehouse) => [warehouse.code, { onHand: new Int32Array(days), unfilled: new Int32Array(days) }]));
  const sales = new Array<number>(days).fill(0);
  const orders: SimulatedOrder[] = [];
  const inFlight = new Set<SimulatedOrder>();
  const arriving = new Map<number, SimulatedOrder[]>();
  const onOrderBy = new Map(network.warehouses.map((warehouse) => [warehouse.code, 0]));
  const onOrder = (code: string) => onOrderBy.get(code)!;
  const dispatch = (order: SimulatedOrder) => {
    inFlight.add(order);
    onOrderBy.set(order.warehouse, onOrder(order.warehouse) + order.quantity);
    const day = order.receivedDay!;
    arriving.set(day, [...(arriving.get(day) ?? []), order]);
  };

  for (let day = 0; day < days; day++) {
    if (day > 0 && day % REFIT_EVERY_DAYS === 0) refit(day);
    for (const order of arriving.get(day) ?? []) {
      onHand.set(order.warehouse, onHand.get(order.warehouse)! + order.quantity);
      onOrderBy.set(order.warehouse, onOrder(order.warehouse) - order.quantity);
      inFlight.delete(order);
    }
    for (const warehouse of regional) {
      const wanted = split.get(warehouse.code)![day]!;
      const available = onHand.get(warehouse.code)!;
      const shipped = Math.min(wanted, available);
      onHand.set(warehouse.code, available - shipped);
      stock[warehouse.code]!.unfilled[day] = wanted - shipped;
      sales[day] += shipped;
    }
    for (const warehouse of regional) {
      const policy = policies.get(warehouse.code)!;
      const position = onHand.get(warehouse.code)! + onOrder(warehouse.code);
      if (policy.dailyDemand === 0 || position > policy.reorderPoint) continue;
      const lane = supplyLane.get(warehouse.code)!;
      const quantity = Math.min(Math.ceil(policy.reorderPoint + policy.eoq - position), onHand.get(lane.from)!);
      if (quantity <= 0) continue;
      onHand.set(lane.from, onHand.get(lane.from)! - quantity);
      const transfer: SimulatedOrder = { warehouse: warehouse.code, supplier: null, sourceWarehouse: lane.from, quantity, orderedDay: day, expectedDay: day + lane.transitDays, receivedDay: day + lane.transitDays };
      dispatch(transfer);
    }
    for (const dc of central) {
      const policy = policies.get(dc.code)!;
      const position = onHand.get(dc.code)! + onOrder(dc.code);
      if (policy.dailyDemand === 0 || position > policy.reorderPoint) continue;
      const leadTime = Math.max(1, Math.round(terms.leadTimeDays + terms.leadTimeStdDays * normal(random)));
      const order: SimulatedOrder = {
        warehouse: dc.code,
        supplier: terms.supplier,
        sourceWarehouse: null,
        quantity: Math.ceil(policy.reorderPoint + policy.eoq - position),
        orderedDay: day,
        expectedDay: day + Math.round(terms.leadTimeDays),
        receivedDay: day + leadTime,
      };
      dispatch(order);
      orders.push(order);
    }
    for (const warehouse of network.warehouses) stock[warehouse.code]!.onHand[day] = onHand.get(warehouse.code)!;
  }
  // What is still on its way after the last day is open; transfers are kept only then (the
  // history of DC-to-warehouse moves is in the stock levels).
  for (const order of inFlight) if (order.receivedDay! >= days) order.receivedDay = null;
  orders.push(...[...inFlight].filter((order) => order.sourceWarehouse !== null));
  return { sales, stock, orders };
}

/** A binomial draw: exact for small n, the normal approximation (rounded, clamped) above 40 trials. */
function binomial(trials: number, probability: number, random: () => number): number {
  if (trials <= 40) {
    let successes = 0;
    for (let trial = 0; trial < trials; trial++) if (random() < probability) successes++;
    return successes;
  }
  const mean = trials * probability;
  const draw = Math.round(mean + Math.sqrt(mean * (1 - probability)) * normal(random));
  return Math.min(trials, Math.max(0, draw));
}
