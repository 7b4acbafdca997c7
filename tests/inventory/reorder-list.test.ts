import { describe, expect, it } from "vitest";
import { reorderList, type ReorderCandidate } from "@/lib/inventory/reorder-list";

const TODAY = new Date(Date.UTC(2026, 11, 2));

function candidate(sku: string, code: string, policy: ReorderCandidate["policy"], onHand: number, onOrder = 0): ReorderCandidate {
  return {
    product: { id: `id-${sku}`, sku, name: `Product ${sku}`, category: "Test" },
    warehouse: { id: `w-${code}`, code, name: `${code} warehouse`, kind: "REGIONAL" },
    suppliedFrom: "DC-1",
    resultId: `r-${sku}`,
    optimizedAt: "2026-12-01T08:00:00.000Z",
    policy,
    onHand,
    onOrder,
  };
}

describe("what to order this week", () => {
  it("lists a warehouse at or below its reorder point as order now, topped back up to ROP + Q", () => {
    // Position 100 + 30 = 130 ≤ ROP 150: order 150 + 400 − 130 = 420 today; 100 on hand at 10/day lasts 10 days.
    const [line] = reorderList([candidate("A", "W1", { reorderPoint: 150, eoq: 400, dailyDemand: 10 }, 100, 30)], { today: TODAY });
    expect(line).toMatchObject({ urgency: "order-now", quantity: 420, orderBy: "2026-12-02", inventoryPosition: 130, daysOfCover: 10, stockoutDate: "2026-12-12" });
    expect(line!.reason).toBe("The inventory position 130 (100 on hand + 30 on order) is at or below the reorder point of 150.");
  });

  it("lists one that reaches its reorder point within 7 days with the order quantity and the day to order by", () => {
    // (160 − 100) / 20 = 3 days until the position meets the ROP: order 200 (Q rounded up) by Dec 5.
    const [line] = reorderList([candidate("B", "W1", { reorderPoint: 100, eoq: 199.2, dailyDemand: 20 }, 160)], { today: TODAY });
    expect(line).toMatchObject({ urgency: "this-week", quantity: 200, orderBy: "2026-12-05", daysOfCover: 8 });
    expect(line!.reason).toBe("At 20/day the inventory position 160 (160 on hand + 0 on order) reaches the reorder point of 100 in 3 days.");
  });

  it("keeps the 7th day and drops the 8th, and drops warehouses without demand", () => {
    const lines = reorderList(
      [
        candidate("SEVEN", "W1", { reorderPoint: 100, eoq: 50, dailyDemand: 10 }, 170), // (170 − 100) / 10 = 7 → Dec 9
        candidate("EIGHT", "W1", { reorderPoint: 100, eoq: 50, dailyDemand: 10 }, 180), // 8 days → Dec 10
        candidate("IDLE", "W1", { reorderPoint: 0, eoq: 0, dailyDemand: 0 }, 0),
      ],
      { today: TODAY },
    );
    expect(lines.map((line) => [line.product.sku, line.orderBy])).toEqual([["SEVEN", "2026-12-09"]]);
  });

  it("sorts by order-by date, then by days of cover, then SKU and warehouse", () => {
    const lines = reorderList(
      [
        candidate("LATER", "W1", { reorderPoint: 100, eoq: 50, dailyDemand: 10 }, 150), // order by Dec 7, cover 15
        candidate("LONG", "W1", { reorderPoint: 100, eoq: 50, dailyDemand: 10 }, 90), // now, cover 9
        candidate("SHORT", "W2", { reorderPoint: 100, eoq: 50, dailyDemand: 10 }, 20, 70), // now, cover 2
        candidate("SHORT", "W1", { reorderPoint: 100, eoq: 50, dailyDemand: 10 }, 20, 70), // now, cover 2
        candidate("SOON", "W1", { reorderPoint: 100, eoq: 50, dailyDemand: 25 }, 150), // (150 − 100) / 25 = 2 → Dec 4, cover 6
      ],
      { today: TODAY },
    );
    expect(lines.map((line) => `${line.product.sku}/${line.warehouse.code}`)).toEqual(["SHORT/W1", "SHORT/W2", "LONG/W1", "SOON/W1", "LATER/W1"]);
  });

  it("honours another horizon", () => {
    const lines = reorderList([candidate("B", "W1", { reorderPoint: 100, eoq: 200, dailyDemand: 20 }, 160)], { today: TODAY, horizonDays: 2 });
    expect(lines).toEqual([]);
  });
});
