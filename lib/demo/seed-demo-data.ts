import type { Db } from "../db";
import { hashPassword } from "../auth/passwords";
import { updateAccount } from "../auth/revoke-sessions";
import { DEMO_ORGANIZATIONS, DEMO_USERS, demoOrganization } from "./demo-users";
import { demoProducts, generateDailySales } from "./sales-generator";

export { DEMO_USERS };

export const HISTORY_DAYS = 730;

/**
 * Writes the demo data: two organisations, each with its own products and two years of daily
 * sales, a planner in each and the platform's admin. Everything is upserted by natural key and the
 * sales replaced, so seeding twice gives the same database. History ends yesterday (UTC) so
 * forecasts start today.
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
  for (const [orgIndex, organization] of DEMO_ORGANIZATIONS.entries()) {
    const products = demoProducts(productCount, organization.seed);
    for (const [index, product] of products.entries()) {
      const sku = `${organization.skuPrefix}${product.sku}`;
      const saved = await db.product.upsert({
        where: { organizationId_sku: { organizationId: organization.id, sku } },
        update: { name: product.name, category: product.category, unitCost: product.unitCost },
        create: { organizationId: organization.id, sku, name: product.name, category: product.category, unitCost: product.unitCost },
      });
      const sales = generateDailySales(product.profile, endDate, HISTORY_DAYS, 1_000 + orgIndex * 100_000 + index);
      await db.$transaction([
        db.salesDaily.deleteMany({ where: { productId: saved.id } }),
        db.salesDaily.createMany({
          data: sales.map((row) => ({ organizationId: organization.id, productId: saved.id, date: row.date, quantity: row.quantity })),
        }),
      ]);
      salesRows += sales.length;
    }
    productRows += products.length;
  }
  const first = new Date(endDate.getTime() - (HISTORY_DAYS - 1) * 86_400_000);
  return {
    organizations: DEMO_ORGANIZATIONS.length,
    users: DEMO_USERS.length,
    products: productRows,
    salesRows,
    firstDate: first.toISOString().slice(0, 10),
    lastDate: endDate.toISOString().slice(0, 10),
  };
}

function yesterday(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
}
