import { createDb, disconnectDb } from "../lib/db";
import { seedDemoData } from "../lib/demo/seed-demo-data";

/** `npm run db:seed` — demo users, products, warehouses and two years of daily sales, stock and orders (idempotent). */
const db = createDb();
try {
  const products = Number(process.env.SEED_PRODUCTS ?? 60);
  const summary = await seedDemoData(db, { products });
  console.log(
    `Seeded ${summary.organizations} organisations, ${summary.users} users, ${summary.products} products, ${summary.warehouses} warehouses, ${summary.salesRows} daily sales rows, ${summary.stockRows} daily stock rows and ${summary.purchaseOrders} purchase orders and transfers (history ${summary.firstDate} … ${summary.lastDate}).`,
  );
} finally {
  await disconnectDb(db);
}
