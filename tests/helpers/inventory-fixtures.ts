import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";

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
