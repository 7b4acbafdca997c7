import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { normalCdf } from "@/lib/inventory/normal";
import { planProduct } from "@/lib/inventory/plan";
import { saveOptimizationResult } from "@/lib/optimization/optimization-store";
import type { SavedAllocation, SavedInputs, SavedWarehouse } from "@/lib/optimization/optimization-queries";

/**
 * Inventory rows for tests, beside the products of tests/helpers/fixtures.ts: a network of its own
 * (codes made unique per call), a product's supply terms, stock on a day, open orders.
 */
export interface TestWarehouse {
  code: string;
  kind: "CENTRAL" | "REGIONAL";
  capacity: number;
  demandShare?: number;
}

export interface TestNetwork {
  warehouses: Record<string, string>;
}

/** Warehouses and lanes (by the codes given) in an organisation; returns the ids by code. */
export async function createTestNetwork(
  organizationId: string,
  warehouses: TestWarehouse[],
  lanes: { from: string; to: string; costPerUnit: number; transitDays?: number }[],
): Promise<TestNetwork> {
  const suffix = randomUUID().slice(0, 6);
  const ids: Record<string, string> = {};
  for (const warehouse of warehouses) {
    const created = await db().warehouse.create({
      data: {
        organizationId,
        code: `${warehouse.code}-${suffix}`,
        name: `${warehouse.code} warehouse`,
        region: "Test region",
        kind: warehouse.kind,
        capacity: warehouse.capacity,
        demandShare: warehouse.demandShare ?? 0,
      },
    });
    ids[warehouse.code] = created.id;
  }
  await db().transportLane.createMany({
    data: lanes.map((lane) => ({
      organizationId,
      fromWarehouseId: ids[lane.from]!,
      toWarehouseId: ids[lane.to]!,
      costPerUnit: lane.costPerUnit,
      transitDays: lane.transitDays ?? 1,
    })),
  });
  return { warehouses: ids };
}

export async function createTestSupply(
  product: { id: string; organizationId: string },
  terms: { leadTimeDays: number; leadTimeStdDays?: number; orderingCost: number; holdingCostRate: number; serviceLevel?: number; supplier?: string },
) {
  return db().productSupply.create({
    data: { productId: product.id, organizationId: product.organizationId, supplier: terms.supplier ?? "Test Supplier", leadTimeStdDays: 0, ...terms },
  });
}

/** Stock on hand of a product per warehouse (by code) on one day. */
export async function createTestStock(product: { id: string; organizationId: string }, network: TestNetwork, date: string, onHand: Record<string, number>) {
  await db().stockSnapshot.createMany({
    data: Object.entries(onHand).map(([code, quantity]) => ({
      organizationId: product.organizationId,
      productId: product.id,
      warehouseId: network.warehouses[code]!,
      date: new Date(`${date}T00:00:00Z`),
      onHand: quantity,
    })),
  });
}

export async function createTestPurchaseOrder(
  product: { id: string; organizationId: string },
  network: TestNetwork,
  order: { warehouse: string; quantity: number; expectedDate: string; status?: "OPEN" | "RECEIVED" | "CANCELLED" },
) {
  return db().purchaseOrder.create({
    data: {
      organizationId: product.organizationId,
      reference: `PO-${randomUUID().slice(0, 8)}`,
      productId: product.id,
      warehouseId: network.warehouses[order.warehouse]!,
      supplier: "Test Supplier",
      quantity: order.quantity,
      orderedDate: new Date(`${order.expectedDate}T00:00:00Z`),
      expectedDate: new Date(`${order.expectedDate}T00:00:00Z`),
      status: order.status ?? "OPEN",
    },
  });
}

/**
 * A saved optimisation result for a product with no stock anywhere, as the worker saves one: the
 * plan computed by lib/inventory for one regional warehouse buying from the supplier (so no
 * allocation), demand `dailyDemand` a day from history. The warehouse orders now.
 */
export async function createTestOptimizationResult(product: { id: string; organizationId: string }, { dailyDemand = 10 }: { dailyDemand?: number } = {}): Promise<{ id: string; jobId: string }> {
  const warehouse = await db().warehouse.create({
    data: { organizationId: product.organizationId, code: `R-${randomUUID().slice(0, 6)}`, name: "Regional test warehouse", region: "Test region", kind: "REGIONAL", capacity: 100_000, demandShare: 1 },
  });
  const inputs = { orderingCost: 50, holdingCostRate: 0.2, serviceLevelZ: 1.65, leadTimeDays: 7, leadTimeStdDays: 1, unitCost: 4, shortageCost: 9 };
  const network = [{ id: warehouse.id, code: warehouse.code, name: warehouse.name, kind: "REGIONAL" as const, capacity: warehouse.capacity, demandShare: 1, onHand: 0, onOrder: 0, stockAllProducts: 0 }];
  const plan = planProduct({ today: new Date(), demand: { mean: dailyDemand, std: dailyDemand / 4 }, ...inputs, warehouses: network, lanes: [] });
  const jobId = `test-optimization-${randomUUID()}`;
  const id = await saveOptimizationResult(db(), {
    jobId,
    organizationId: product.organizationId,
    productId: product.id,
    demandSource: "history",
    forecastId: null,
    eoq: plan.policy.eoq,
    safetyStock: plan.policy.safetyStock,
    reorderPoint: plan.policy.reorderPoint,
    inputs: { ...inputs, serviceLevel: normalCdf(inputs.serviceLevelZ), fromJob: [], demand: { source: "history", forecastId: null, days: 365, mean: dailyDemand, std: dailyDemand / 4 }, network: { warehouses: network, lanes: [] } } satisfies SavedInputs,
    warehouses: plan.warehouses.map((row) => ({
      warehouseId: row.id,
      code: row.code,
      name: row.name,
      kind: row.kind,
      suppliedFrom: null,
      leadTimeDays: row.leadTimeDays,
      leadTimeStdDays: row.leadTimeStdDays,
      onHand: row.onHand,
      onOrder: row.onOrder,
      policy: row.policy,
      recommendation: row.recommendation,
      allocated: 0,
      short: 0,
      shipments: [],
    })) satisfies SavedWarehouse[],
    allocation: { transportCost: 0, shortageCost: 0, fairShare: false, shipments: [] } satisfies SavedAllocation,
  });
  return { id, jobId };
}
