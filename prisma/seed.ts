import { createDb, disconnectDb } from "../lib/db";
import { demoShopUrl, seedDemoIntegration } from "../lib/demo/demo-shop";
import { seedDemoData } from "../lib/demo/seed-demo-data";

/**
 * `npm run db:seed` — demo users, products, warehouses and two years of daily sales, stock and
 * orders, and the demo Shopify integration (its fake shop is started by `npm run up`); idempotent.
 */
const db = createDb();
try {
  const products = Number(process.env.SEED_PRODUCTS ?? 60);
  const summary = await seedDemoData(db, { products });
  console.log(
    `Seeded ${summary.organizations} organisations, ${summary.users} users, ${summary.products} products, ${summary.warehouses} warehouses, ${summary.salesRows} daily sales rows, ${summary.stockRows} daily stock rows and ${summary.purchaseOrders} purchase orders and transfers (history ${summary.firstDate} … ${summary.lastDate}).`,
  );
  const shop = await seedDemoIntegration(db, { baseUrl: demoShopUrl(process.env.DEMO_SHOP_PORT ? Number(process.env.DEMO_SHOP_PORT) : undefined) });
  console.log(`Seeded the demo Shopify integration (${shop.baseUrl}).`);
} finally {
  await disconnectDb(db);
}
