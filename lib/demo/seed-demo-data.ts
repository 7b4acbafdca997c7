import type { Db } from "../db";
import { inTransaction } from "../db";
import { hashPassword } from "../auth/passwords";
import { updateAccount } from "../auth/revoke-sessions";
import { DEMO_ORGANIZATIONS, DEMO_USERS, demoOrganization } from "./demo-users";
import { DEMO_NETWORKS, demoSupplyTerms } from "./demo-network";
import { simulateInventory } from "./inventory-simulation";
import { demoProducts, generateDailySales } from "./sales-generator";

export { DEMO_USERS };

export const HISTORY_DAYS = 730;

/**
 * Writes the demo data: two organisations, each with its own products, warehouses and lanes, and
 * two years of daily sales, stock per warehouse and purchase orders played through a reorder policy
 * (lib/demo/inventory-simulation.ts), a planner in each and the platform's admin. Everything is
 * upserted by natural key and the history replaced, so seeding twice gives the same database.
 * History ends yesterday (UTC) so forecasts start today; the sales are what the warehouses shipped
 * (demand they could not serve is recorded on the stock rows as unfilled).
 *
 * @param products - products per organisation. @defaultValue 60
 */
export async function seedDemoData(db: Db, { products: productCount = 60, endDate = yesterday() }: { products?: number; endDate?: Date } = {}) {
  for (const organization of DEMO_ORGANIZATIONS) {
    await db.organization.upsert({
      where: { id: organization.id },
      update: { slug: organization.slug, name: organization.name },
      create: { id: organization.id, slug: organization.slug, name: organization.name },
    });
  }
  for (const user of DEMO_USERS) {
    const passwordHash = await hashPassword(user.password);
    const organizationId = demoOrganization(user.organization).id;
    const account = { name: user.name, role: user.role, passwordHash, organizationId };
    const existing = await db.user.findUnique({ where: { email: user.email }, select: { id: true } });
    // Re-seeding writes the password again, which ends the account's sessions like any password change.
    if (existing) await updateAccount(existing.id, account, { db });
    else await db.user.create({ data: { email: user.email, ...account } });
  }
  let salesRows = 0;
  let productRows = 0;
  let stockRows = 0;
  let orderRows = 0;
  const first = new Date(endDate.getTime() - (HISTORY_DAYS - 1) * 86_400_000);
  const dayOf = (index: number) => new Date(first.getTime() + index * 86_400_000).toISOString().slice(0, 10);
  for (const [orgIndex, organization] of DEMO_ORGANIZATIONS.entries()) {
    const network = DEMO_NETWORKS[organization.slug];
    const warehouseIds = new Map<string, string>();
    for (const warehouse of network.warehouses) {
      const fields = { name: warehouse.name, region: warehouse.region, kind: warehouse.kind, demandShare: warehouse.demandShare };
      const saved = await db.warehouse.upsert({
        where: { organizationId_code: { organizationId: organization.id, code: warehouse.code } },
        update: fields,
        create: { organizationId: organization.id, code: warehouse.code, capacity: 0, ...fields },
        select: { id: true },
      });
      warehouseIds.set(warehouse.code, saved.id);
    }
    for (const lane of network.lanes) {
      const key = { fromWarehouseId: warehouseIds.get(lane.from)!, toWarehouseId: warehouseIds.get(lane.to)! };
      await db.transportLane.upsert({
        where: { fromWarehouseId_toWarehouseId: key },
        update: { costPerUnit: lane.costPerUnit, transitDays: lane.transitDays },
        create: { organizationId: organization.id, ...key, costPerUnit: lane.costPerUnit, transitDays: lane.transitDays },
      });
    }
    // Capacity is set from the simulated stock: the busiest day of each warehouse, all products together, plus room.
    const totalStock = new Map(network.warehouses.map((warehouse) => [warehouse.code, new Float64Array(HISTORY_DAYS)]));
    const products = demoProducts(productCount, organization.seed);
    for (const [index, product] of products.entries()) {
      const sku = `${organization.skuPrefix}${product.sku}`;
      const seed = 1_000 + orgIndex * 100_000 + index;
      const terms = demoSupplyTerms(network, product.unitCost, seed + 50_000);
      const fields = { name: product.name, category: product.category, unitCost: product.unitCost, unitPrice: terms.unitPrice };
      const saved = await db.product.upsert({
        where: { organizationId_sku: { organizationId: organization.id, sku } },
        update: fields,
        create: { organizationId: organization.id, sku, ...fields },
        select: { id: true },
      });
      const supply = {
        supplier: terms.supplier,
        leadTimeDays: terms.leadTimeDays,
        leadTimeStdDays: terms.leadTimeStdDays,
        orderingCost: terms.orderingCost,
        holdingCostRate: terms.holdingCostRate,
        serviceLevel: terms.serviceLevel,
      };
      await db.productSupply.upsert({ where: { productId: saved.id }, update: supply, create: { productId: saved.id, organizationId: organization.id, ...supply } });

      const demand = generateDailySales(product.profile, endDate, HISTORY_DAYS, seed);
      const simulated = simulateInventory({ network, demand, terms, unitCost: product.unitCost, seed: seed + 70_000 });
      const stock = Object.entries(simulated.stock);
      for (const [code, levels] of stock) {
        const total = totalStock.get(code)!;
        for (let day = 0; day < HISTORY_DAYS; day++) total[day] += levels.onHand[day]!;
      }
      const days = demand.map((_, day) => dayOf(day));
      await inTransaction(db, async (client) => {
        for (const table of ["SalesDaily", "StockSnapshot", "PurchaseOrder"]) await client.query(`DELETE FROM "${table}" WHERE "productId" = $1`, [saved.id]);
        await client.query(
          `INSERT INTO "SalesDaily" ("organizationId", "productId", "date", "quantity") SELECT $1, $2, * FROM unnest($3::date[], $4::int[])`,
          [organization.id, saved.id, days, simulated.sales],
        );
        await client.query(
          `INSERT INTO "StockSnapshot" ("organizationId", "productId", "warehouseId", "date", "onHand", "unfilled")
           SELECT $1, $2, * FROM unnest($3::text[], $4::date[], $5::int[], $6::int[])`,
          [
            organization.id,
            saved.id,
            stock.flatMap(([code]) => days.map(() => warehouseIds.get(code)!)),
            stock.flatMap(() => days),
            stock.flatMap(([, levels]) => Array.from(levels.onHand)),
            stock.flatMap(([, levels]) => Array.from(levels.unfilled)),
          ],
        );
        const orders = simulated.orders;
        await client.query(
          `INSERT INTO "PurchaseOrder" ("id", "organizationId", "reference", "productId", "warehouseId", "supplier", "sourceWarehouseId", "quantity", "orderedDate", "expectedDate", "receivedDate", "status")
           SELECT $1 || '-' || o.reference, $1, o.reference, $2, o.warehouse, o.supplier, o.source, o.quantity, o.ordered, o.expected, o.received,
                  CASE WHEN o.received IS NULL THEN 'OPEN' ELSE 'RECEIVED' END::"PurchaseOrderStatus"
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::date[], $9::date[], $10::date[])
                AS o(reference, warehouse, supplier, source, quantity, ordered, expected, received)`,
          [
            organization.id,
            saved.id,
            orders.map((order, number) => `${order.supplier ? "PO" : "TR"}-${sku}-${String(number + 1).padStart(4, "0")}`),
            orders.map((order) => warehouseIds.get(order.warehouse)!),
            orders.map((order) => order.supplier),
            orders.map((order) => (order.sourceWarehouse ? warehouseIds.get(order.sourceWarehouse)! : null)),
            orders.map((order) => order.quantity),
            orders.map((order) => dayOf(order.orderedDay)),
            orders.map((order) => dayOf(order.expectedDay)),
            orders.map((order) => (order.receivedDay === null ? null : dayOf(order.receivedDay))),
          ],
        );
        orderRows += orders.length;
      });
      salesRows += demand.length;
      stockRows += stock.length * HISTORY_DAYS;
    }
    for (const [code, total] of totalStock) {
      const capacity = Math.max(1_000, Math.ceil((Math.max(...total) * 1.25) / 1_000) * 1_000);
      await db.warehouse.update({ where: { id: warehouseIds.get(code)! }, data: { capacity } });
    }
    productRows += products.length;
  }
  return {
    organizations: DEMO_ORGANIZATIONS.length,
    users: DEMO_USERS.length,
    products: productRows,
    salesRows,
    warehouses: DEMO_ORGANIZATIONS.reduce((sum, organization) => sum + DEMO_NETWORKS[organization.slug].warehouses.length, 0),
    stockRows,
    purchaseOrders: orderRows,
    firstDate: first.toISOString().slice(0, 10),
    lastDate: endDate.toISOString().slice(0, 10),
  };
}

function yesterday(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
}
