import { InventoryInputError } from "./errors";

export interface DailyDemand {
  mean: number;
  std: number;
}

/**
 * Mean and sample standard deviation (n − 1) of daily quantities, zero days included.
 * Throws when there are fewer than two days: no variability can be measured from one.
 */
export function dailyDemandStats(quantities: readonly number[]): DailyDemand {
  if (quantities.length < 2) throw new InventoryInputError(`daily demand needs at least 2 days, got ${quantities.length}`);
  const mean = quantities.reduce((sum, value) => sum + value, 0) / quantities.length;
  const variance = quantities.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (quantities.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

/**
 * A warehouse's share of a product's demand, when each unit demanded is served by the warehouse
 * with probability `share` independently (binomial thinning of the total): mean s·d and
 * variance s²·σ² + s·(1 − s)·d. Both terms matter: splitting smooths nothing at s = 1 and
 * adds the routing noise s(1 − s)d for a warehouse serving part of the market.
 */
export function warehouseShareOfDemand(total: DailyDemand, share: number): DailyDemand {
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new InventoryInputError(`share must be between 0 and 1, got ${share}`);
  return { mean: share * total.mean, std: Math.sqrt(share ** 2 * total.std ** 2 + share * (1 - share) * total.mean) };
}
