import { describe, expect, it } from "vitest";
import {
  cycleServiceLevel,
  economicOrderQuantity,
  expectedShortagePerCycle,
  fillRate,
  inventoryPolicy,
  leadTimeDemand,
  safetyStock,
} from "@/lib/inventory/policy";
import { InventoryInputError } from "@/lib/inventory/errors";
import { serviceLevelToZ, standardNormalLoss } from "@/lib/inventory/normal";
import { reorderRecommendation } from "@/lib/inventory/recommendation";
import { dailyDemandStats, warehouseShareOfDemand } from "@/lib/inventory/demand";

describe("EOQ", () => {
  it("Nahmias, Production and Operations Analysis, Example 4.1 (Number 2 pencils): D = 3,120/yr, K = $12, h = 0.25 × $0.02 → Q* ≈ 3,870", () => {
    const q = economicOrderQuantity(3_120, 12, 0.25 * 0.02);
    expect(q).toBeCloseTo(3_869.9, 1);
    expect(Math.round(q / 10) * 10).toBe(3_870);
  });

  it("is √(2DK/H) through the policy too, with H = rate × unit cost", () => {
    const policy = inventoryPolicy({ dailyDemand: 3_120 / 365, dailyDemandStd: 0, leadTimeDays: 0, orderingCost: 12, unitCost: 0.02, holdingCostRate: 0.25, serviceLevelZ: 1 });
    expect(policy.annualDemand).toBeCloseTo(3_120, 9);
    expect(policy.eoq).toBeCloseTo(3_869.9, 1);
    expect(policy.ordersPerYear).toBeCloseTo(3_120 / policy.eoq, 9);
  });
});

describe("safety stock and reorder point", () => {
  it("Taylor, Introduction to Management Science, I-75 Carpet Discount Store: d = 30/day, σ_d = 5, L = 10, z = 1.65 → SS 26.09, ROP 326.09", () => {
    const demand = leadTimeDemand(30, 5, 10);
    expect(demand.mean).toBe(300);
    expect(demand.std).toBeCloseTo(15.81, 2);
    const ss = safetyStock(1.65, demand.std);
    expect(ss).toBeCloseTo(26.09, 2);
    const policy = inventoryPolicy({ dailyDemand: 30, dailyDemandStd: 5, leadTimeDays: 10, orderingCost: 10, unitCost: 1, holdingCostRate: 0.2, serviceLevelZ: 1.65 });
    expect(policy.safetyStock).toBeCloseTo(26.09, 2);
    expect(policy.reorderPoint).toBeCloseTo(326.09, 2);
  });

  it("adds lead-time variability: σ_L = √(L·σ_d² + d²·σ_LT²)", () => {
    // d = 30, σ_d = 5, L = 10, σ_LT = 2: √(10·25 + 900·4) = √3850.
    expect(leadTimeDemand(30, 5, 10, 2).std).toBeCloseTo(Math.sqrt(3_850), 12);
    // Demand fixed, only the lead time varies: σ_L = d·σ_LT.
    expect(leadTimeDemand(30, 0, 10, 2).std).toBeCloseTo(60, 12);
  });
});

describe("service level, expected shortage and fill rate", () => {
  // Chopra & Meindl, Supply Chain Management: Strategy, Planning, and Operation, Examples 12-1 and
  // 12-3 (11-1 and 11-3 in earlier editions): weekly Lego demand at Walmart D = 2,500, σ_D = 500,
  // lead time L = 2 weeks, Q = 10,000, ROP = 6,000 (safety stock 1,000).
  const demand = leadTimeDemand(2_500, 500, 2);

  it("Chopra & Meindl Example 12-1: CSL = F(6,000; 5,000, 707) = 0.92", () => {
    expect(demand.std).toBeCloseTo(707.1, 1);
    expect(cycleServiceLevel(6_000, demand)).toBeCloseTo(0.9214, 4);
  });

  it("Chopra & Meindl Example 12-3: ESC = 25.13 units per cycle, fill rate = 1 − 25.13/10,000 = 0.9975", () => {
    const esc = expectedShortagePerCycle(1_000, demand.std);
    expect(esc).toBeCloseTo(25.13, 2);
    expect(fillRate(esc, 10_000)).toBeCloseTo(0.9975, 4);
  });

  it("the standard normal loss function matches its table: G(0) = 0.3989, G(1) = 0.0833, G(2) = 0.0085", () => {
    expect(standardNormalLoss(0)).toBeCloseTo(0.3989, 4);
    expect(standardNormalLoss(1)).toBeCloseTo(0.0833, 4);
    expect(standardNormalLoss(2)).toBeCloseTo(0.0085, 4);
  });

  it("a service level probability becomes z through the exact normal quantile, not a table", () => {
    expect(serviceLevelToZ(0.95)).toBeCloseTo(1.644854, 6);
    expect(serviceLevelToZ(0.975)).toBeCloseTo(1.959964, 6);
    expect(serviceLevelToZ(0.99)).toBeCloseTo(2.326348, 6);
    // The policy's cycle service level at that z is the probability asked for.
    const policy = inventoryPolicy({ dailyDemand: 30, dailyDemandStd: 5, leadTimeDays: 10, orderingCost: 10, unitCost: 1, holdingCostRate: 0.2, serviceLevelZ: serviceLevelToZ(0.9) });
    expect(policy.cycleServiceLevel).toBeCloseTo(0.9, 9);
    expect(() => serviceLevelToZ(1)).toThrow(InventoryInputError);
  });
});

describe("bad inputs", () => {
  const base = { dailyDemand: 30, dailyDemandStd: 5, leadTimeDays: 10, orderingCost: 10, unitCost: 1, holdingCostRate: 0.2, serviceLevelZ: 1.65 };
  it.each([
    [{ orderingCost: -1 }, /orderingCost must be a number ≥ 0/],
    [{ holdingCostRate: 0 }, /holdingCostRate must be above 0/],
    [{ serviceLevelZ: 0 }, /serviceLevelZ must be above 0/],
    [{ serviceLevelZ: -1.2 }, /serviceLevelZ must be above 0/],
    [{ unitCost: 0 }, /unitCost × holdingCostRate must be above 0/],
    [{ dailyDemand: Number.NaN }, /dailyDemand must be a number ≥ 0/],
  ])("%o is refused with a reason", (change, message) => {
    expect(() => inventoryPolicy({ ...base, ...change })).toThrow(message);
  });
});

describe("reorder recommendation", () => {
  const today = new Date(Date.UTC(2026, 11, 2));
  const policy = { reorderPoint: 326.09, orderQuantity: 500, dailyDemand: 30, today };

  it("orders now, up to ROP + Q, when the position is at or below the reorder point", () => {
    const advice = reorderRecommendation({ ...policy, onHand: 200, onOrder: 100 });
    expect(advice).toEqual({ inventoryPosition: 300, orderNow: true, quantity: 527, orderBy: "2026-12-02", daysOfCover: 200 / 30, stockoutDate: "2026-12-08" });
  });

  it("counts open orders: stock on its way can make an order unnecessary, and says by when to order", () => {
    const advice = reorderRecommendation({ ...policy, onHand: 200, onOrder: 400 });
    expect(advice.orderNow).toBe(false);
    expect(advice.quantity).toBe(500);
    // (600 − 326.09) / 30 = 9.1 days until the position reaches the ROP.
    expect(advice.orderBy).toBe("2026-12-11");
  });

  it("orders nothing for an item without demand", () => {
    expect(reorderRecommendation({ ...policy, dailyDemand: 0, reorderPoint: 0, orderQuantity: 0, onHand: 0, onOrder: 0 })).toMatchObject({ orderNow: false, orderBy: null, daysOfCover: null });
  });
});

describe("demand statistics", () => {
  it("mean and sample standard deviation", () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7.
    const stats = dailyDemandStats([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(stats.mean).toBe(5);
    expect(stats.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it("a warehouse serving a share of demand: mean s·d, variance s²σ² + s(1 − s)d", () => {
    expect(warehouseShareOfDemand({ mean: 100, std: 20 }, 1)).toEqual({ mean: 100, std: 20 });
    const part = warehouseShareOfDemand({ mean: 100, std: 20 }, 0.25);
    expect(part.mean).toBe(25);
    expect(part.std).toBeCloseTo(Math.sqrt(0.0625 * 400 + 0.25 * 0.75 * 100), 12);
  });
});
