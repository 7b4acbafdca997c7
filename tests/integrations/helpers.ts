import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import type { TestUser } from "../helpers/fixtures";
import { createIntegration } from "@/lib/integrations/integrations";
import type { FakeOrder, FakeShopify } from "@/scripts/fakes/shopify";

/** Products (by SKU) and warehouses of an organisation, for a sync to map the provider's records to. */
export async function createCatalogue(organizationId: string, skus: readonly string[], warehouses: readonly { code: string; name: string }[] = []) {
  const products: Record<string, string> = {};
  for (const sku of skus) {
    const product = await db().product.create({ data: { organizationId, sku, name: `Product ${sku}`, category: "Synced", unitCost: 2 } });
    products[sku] = product.id;
  }
  const warehouseIds: Record<string, string> = {};
  for (const warehouse of warehouses) {
    const created = await db().warehouse.create({ data: { organizationId, code: warehouse.code, name: warehouse.name, region: "Test", capacity: 100_000 } });
    warehouseIds[warehouse.code] = created.id;
  }
  return { products, warehouses: warehouseIds };
}

/** An integration of the admin's organisation pointing at the fake. */
export async function createShopifyIntegration(admin: TestUser, fake: FakeShopify, settings: Record<string, unknown> = {}) {
  const created = await createIntegration(
    admin.principal,
    { kind: "SHOPIFY", name: `Shop ${randomUUID().slice(0, 6)}`, baseUrl: fake.baseUrl, credentials: { accessToken: fake.options.accessToken }, settings },
    "http://localhost:3000",
  );
  if (!created.ok) throw new Error(`could not create the integration: ${created.code}`);
  return created.integration;
}

/** The shop's sales day of an order: its creation date in the shop's offset (the fake's -05:00). */
export function shopDay(order: FakeOrder, offsetHours = -5): string {
  return new Date(order.createdAt.getTime() + offsetHours * 3_600_000).toISOString().slice(0, 10);
}

/** What the fake's orders add up to per SKU and day, cancelled orders counting nothing. */
export function expectedSales(orders: readonly FakeOrder[], skus: readonly string[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const order of orders) {
    if (order.cancelledAt) continue;
    for (const line of order.lineItems) {
      if (!line.sku || !skus.includes(line.sku)) continue;
      const key = `${line.sku}|${shopDay(order)}`;
      totals.set(key, (totals.get(key) ?? 0) + line.quantity);
    }
  }
  for (const [key, value] of totals) if (value === 0) totals.delete(key);
  return totals;
}

/** The organisation's SalesDaily rows per SKU and day (rows of 0 left out). */
export async function salesBySkuDay(organizationId: string): Promise<Map<string, number>> {
  const rows = await db().salesDaily.findMany({ where: { organizationId }, include: { product: { select: { sku: true } } } });
  return new Map(rows.filter((row) => row.quantity !== 0).map((row) => [`${row.product.sku}|${row.date.toISOString().slice(0, 10)}`, row.quantity]));
}
