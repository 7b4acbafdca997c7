import { reorderRecommendation, type ReorderRecommendation } from "./recommendation";

/**
 * "What to order this week": each warehouse's saved (s, Q) policy held against its stock today.
 * A policy is computed once by an optimisation run; stock and open orders move every day, so the
 * recommendation is worked out again here from the policy's reorder point, order quantity and
 * daily demand and the warehouse's current stock on hand and open incoming orders.
 */
export interface ReorderCandidate {
  product: { id: string; sku: string; name: string; category: string };
  warehouse: { id: string; code: string; name: string; kind: "CENTRAL" | "REGIONAL" };
  /** Where its replenishment comes from: a central DC's code, or null for the supplier. */
  suppliedFrom: string | null;
  /** The optimisation result the policy comes from. */
  resultId: string;
  optimizedAt: string;
  policy: { reorderPoint: number; eoq: number; dailyDemand: number };
  /** Current stock on hand (latest snapshot). */
  onHand: number;
  /** Current open incoming orders. */
  onOrder: number;
}

export type ReorderUrgency = "order-now" | "this-week";

export interface ReorderLine extends ReorderCandidate {
  urgency: ReorderUrgency;
  /** Units to order (now: back up to ROP + Q; later: the order quantity, rounded up). */
  quantity: number;
  /** Last day to place the order (YYYY-MM-DD). */
  orderBy: string;
  inventoryPosition: number;
  /** Days the stock on hand lasts at the mean daily demand. */
  daysOfCover: number;
  /** When the stock on hand runs out at mean demand if nothing arrives. */
  stockoutDate: string;
  /** Why it is on the list, in a planner's words. */
  reason: string;
}

/** Days ahead an order-by date may fall and still count as "this week". */
export const REORDER_HORIZON_DAYS = 7;

const DAY_MS = 86_400_000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const units = (value: number) => `${Math.round(value).toLocaleString("en-US")}`;
const perDay = (value: number) => `${value.toLocaleString("en-US", { maximumFractionDigits: 1 })}/day`;

/**
 * The lines to order, most urgent first: those that should order now or whose order-by date falls
 * within `horizonDays` of `today`, sorted by order-by date, then by days of cover (least first),
 * then SKU and warehouse code so the order is stable. A warehouse without demand is never on the
 * list.
 */
export function reorderList(candidates: readonly ReorderCandidate[], options: { today: Date; horizonDays?: number }): ReorderLine[] {
  return candidates.flatMap((candidate) => reorderLine(candidate, options) ?? []).sort(byUrgency);
}

/**
 * One candidate's line on the list, or null when it is not on it (no demand, or its order-by date
 * is after the horizon): what an export of the list streams row by row.
 */
export function reorderLine(candidate: ReorderCandidate, { today, horizonDays = REORDER_HORIZON_DAYS }: { today: Date; horizonDays?: number }): ReorderLine | null {
  const lastDay = isoDay(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + horizonDays * DAY_MS));
  const recommendation = reorderRecommendation({
    reorderPoint: candidate.policy.reorderPoint,
    orderQuantity: candidate.policy.eoq,
    dailyDemand: candidate.policy.dailyDemand,
    onHand: candidate.onHand,
    onOrder: candidate.onOrder,
    today,
  });
  // No demand (no order-by date, no cover): nothing is used up there.
  if (recommendation.orderBy === null || recommendation.daysOfCover === null || recommendation.stockoutDate === null) return null;
  if (!recommendation.orderNow && recommendation.orderBy > lastDay) return null;
  return {
    ...candidate,
    urgency: recommendation.orderNow ? "order-now" : "this-week",
    quantity: recommendation.quantity,
    orderBy: recommendation.orderBy,
    inventoryPosition: recommendation.inventoryPosition,
    daysOfCover: recommendation.daysOfCover,
    stockoutDate: recommendation.stockoutDate,
    reason: reasonFor(candidate, recommendation, today),
  };
}

function reasonFor(candidate: ReorderCandidate, recommendation: ReorderRecommendation, today: Date): string {
  const { reorderPoint, dailyDemand } = candidate.policy;
  const position = `inventory position ${units(recommendation.inventoryPosition)} (${units(candidate.onHand)} on hand + ${units(candidate.onOrder)} on order)`;
  if (recommendation.orderNow) return `The ${position} is at or below the reorder point of ${units(reorderPoint)}.`;
  const days = Math.round((Date.parse(`${recommendation.orderBy}T00:00:00Z`) - Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())) / DAY_MS);
  return `At ${perDay(dailyDemand)} the ${position} reaches the reorder point of ${units(reorderPoint)} in ${days} day${days === 1 ? "" : "s"}.`;
}

function byUrgency(a: ReorderLine, b: ReorderLine): number {
  if (a.orderBy !== b.orderBy) return a.orderBy < b.orderBy ? -1 : 1;
  if (a.daysOfCover !== b.daysOfCover) return a.daysOfCover - b.daysOfCover;
  if (a.product.sku !== b.product.sku) return a.product.sku < b.product.sku ? -1 : 1;
  return a.warehouse.code < b.warehouse.code ? -1 : a.warehouse.code > b.warehouse.code ? 1 : 0;
}
