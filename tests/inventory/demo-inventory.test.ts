import { describe, expect, it } from "vitest";
import { DEMO_NETWORKS, demoSupplyTerms } from "@/lib/demo/demo-network";
import { simulateInventory } from "@/lib/demo/inventory-simulation";
import { demoProducts, generateDailySales } from "@/lib/demo/sales-generator";

// The seeded history must add up: every unit demanded is either shipped (a sale) or lost at a
// warehouse with nothing on hand, and stock only changes by what arrives and what leaves.
describe("demo inventory simulation", () => {
  const network = DEMO_NETWORKS.northwind;
  const [product] = demoProducts(2, 20_260_101).slice(1);
  const demand = generateDailySales(product!.profile, new Date(Date.UTC(2026, 10, 30)), 730, 1_001);
  const terms = demoSupplyTerms(network, product!.unitCost, 51_001);
  const run = () => simulateInventory({ network, demand, terms, unitCost: product!.unitCost, seed: 71_001 });
  const result = run();
  const regional = network.warehouses.filter((warehouse) => warehouse.kind === "REGIONAL");

  it("is deterministic", () => {
    expect(run()).toEqual(result);
  });

  it("sales plus lost demand equal demand, day by day", () => {
    for (const [day, row] of demand.entries()) {
      const lost = regional.reduce((sum, warehouse) => sum + result.stock[warehouse.code]!.unfilled[day]!, 0);
      expect(result.sales[day]! + lost).toBe(row.quantity);
    }
  });

  it("loses demand only at a warehouse that ran out, never holds negative stock, and has some stock-outs", () => {
    let stockoutDays = 0;
    for (const warehouse of network.warehouses) {
      const { onHand, unfilled } = result.stock[warehouse.code]!;
      for (let day = 0; day < demand.length; day++) {
        expect(onHand[day]).toBeGreaterThanOrEqual(0);
        if (unfilled[day]! > 0) {
          expect(onHand[day]).toBe(0);
          stockoutDays++;
        }
      }
      if (warehouse.kind === "CENTRAL") expect(Array.from(unfilled).every((value) => value === 0)).toBe(true);
    }
    expect(stockoutDays).toBeGreaterThan(0);
    // …but they are occasional: the policy serves most days.
    expect(stockoutDays / (regional.length * demand.length)).toBeLessThan(0.1);
  });

  it("buys from the product's supplier at the central DCs and leaves the orders after the last day open", () => {
    const purchases = result.orders.filter((order) => order.supplier !== null);
    expect(purchases.length).toBeGreaterThan(5);
    for (const order of purchases) {
      expect(order.supplier).toBe(terms.supplier);
      expect(network.warehouses.find((warehouse) => warehouse.code === order.warehouse)!.kind).toBe("CENTRAL");
      if (order.receivedDay === null) expect(order.orderedDay).toBeLessThan(demand.length);
      else expect(order.receivedDay).toBeGreaterThan(order.orderedDay);
    }
    for (const transfer of result.orders.filter((order) => order.sourceWarehouse !== null)) expect(transfer.receivedDay).toBeNull();
  });
});
