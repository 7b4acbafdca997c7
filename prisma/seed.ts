import { createDb, disconnectDb } from "../lib/db";
import { seedDemoData } from "../lib/demo/seed-demo-data";

/** `npm run db:seed` — demo users, products and two years of daily sales (idempotent). */
const db = createDb();
try {
  const products = Number(process.env.SEED_PRODUCTS ?? 60);
  const summary = await seedDemoData(db, { products });
  console.log(
    `Seeded ${summary.organizations} organisations, ${summary.users} users, ${summary.products} products and ${summary.salesRows} daily sales rows (history ${summary.firstDate} … ${summary.lastDate}).`,
  );
} finally {
  await disconnectDb(db);
}
