import { InventoryInputError } from "./errors";

export interface RecommendationInput {
  reorderPoint: number;
  /** The order quantity of the policy (EOQ). */
  orderQuantity: number;
  dailyDemand: number;
  onHand: number;
  /** Open incoming orders (purchase orders and transfers not yet received). */
  onOrder: number;
  /** The day the recommendation is for (UTC date). */
  today: Date;
}

export interface ReorderRecommendation {
  /** On hand plus on order (no backorders are carried: unmet demand is lost). */
  inventoryPosition: number;
  orderNow: boolean;
  /**
   * Whole units to order: now, enough to bring the position back up to ROP + Q (Q when it sits
   * exactly at the reorder point); otherwise the next order's size, Q rounded up.
   */
  quantity: number;
  /** Last day to place the order: today when ordering now, else when demand brings the position down to the ROP; null without demand. */
  orderBy: string | null;
  /** Days the stock on hand lasts at the mean daily demand; null without demand. */
  daysOfCover: number | null;
  /** When the stock on hand runs out at mean demand if nothing arrives; null without demand. */
  stockoutDate: string | null;
}

const DAY_MS = 86_400_000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (date: Date, days: number) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) + days * DAY_MS);

/**
 * Whether to order now, how much and by when, for a continuous-review (s, Q) policy: order when
 * the inventory position (on hand + on order) is at or below the reorder point and there is demand.
 */
export function reorderRecommendation(input: RecommendationInput): ReorderRecommendation {
  for (const [name, value] of Object.entries({ reorderPoint: input.reorderPoint, orderQuantity: input.orderQuantity, dailyDemand: input.dailyDemand, onHand: input.onHand, onOrder: input.onOrder })) {
    if (!Number.isFinite(value) || value < 0) throw new InventoryInputError(`${name} must be a number ≥ 0, got ${value}`);
  }
  const position = input.onHand + input.onOrder;
  const demand = input.dailyDemand;
  // Without demand nothing is used up, so nothing needs ordering whatever the position.
  const orderNow = demand > 0 && position <= input.reorderPoint;
  const daysUntilReorder = demand > 0 ? Math.floor((position - input.reorderPoint) / demand) : null;
  const daysOfCover = demand > 0 ? input.onHand / demand : null;
  return {
    inventoryPosition: position,
    orderNow,
    quantity: orderNow ? Math.max(1, Math.ceil(input.reorderPoint + input.orderQuantity - position)) : Math.ceil(input.orderQuantity),
    orderBy: orderNow ? isoDay(input.today) : daysUntilReorder === null ? null : isoDay(addDays(input.today, daysUntilReorder)),
    daysOfCover,
    stockoutDate: daysOfCover === null ? null : isoDay(addDays(input.today, Math.floor(daysOfCover))),
  };
}
