import type { Db } from "../db";
import { hashPassword } from "../auth/passwords";
import { DEMO_USERS } from "./demo-users";
import { demoProducts, generateDailySales } from "./sales-generator";

export { DEMO_USERS };


export const HISTORY_DAYS = 730;

/**
 * Writes the demo data. Products are upserted by SKU and their sales replaced, so seeding twice
 * gives the same database. History ends yesterday (UTC) so forecasts start today.
 */
export async function seedDemoData(db: Db, { products: productCount = 60, endDate = yesterday() }: { products?: number; endDate?: Date } = {}) {
  for (const user of DEMO_USERS) {
    const passwordHash = await hashPassword(user.password);
    await db.user.upsert({
      where: { email: user.email },
      update: { name: user.name, role: user.role, passwordHash },
      create: { email: user.email, name: user.name, role: user.role, passwordHash },
    });
  }
  let salesRows = 0;
  const products = demoProducts(productCount);
  for (const [index, product] of products.entries()) {
    const saved = await db.product.upsert({
      where: { sku: product.sku },
      update: { name: product.name, category: product.category, unitCost: product.unitCost },
      create: { sku: product.sku, name: product.name, category: product.category, unitCost: product.unitCost },
    });
    const sales = generateDailySales(product.profile, endDate, HISTORY_DAYS, 1_000 + index);
    await db.$transaction([
      db.salesDaily.deleteMany({ where: { productId: saved.id } }),
      db.salesDaily.createMany({ data: sales.map((row) => ({ productId: saved.id, date: row.date, quantity: row.quantity })) }),
    ]);
    salesRows += sales.length;
  }
  const first = new Date(endDate.getTime() - (HISTORY_DAYS - 1) * 86_400_000);
  return {
    users: DEMO_USERS.length,
    products: products.length,
    salesRows,
    firstDate: first.toISOString().slice(0, 10),
    lastDate: endDate.toISOString().slice(0, 10),
  };
}

function yesterday(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
}
