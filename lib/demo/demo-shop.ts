import { randomBytes } from "node:crypto";
import type { Db } from "../db";
import { openSecret, sealSecret, SealedSecretError } from "../integrations/secrets";
import { DEMO_NETWORKS } from "./demo-network";
import { DEMO_USERS, demoOrganization } from "./demo-users";
import { demoProducts } from "./sales-generator";

/**
 * The demo Shopify shop of `npm run up`: a local fake Shopify (scripts/fakes/shopify.ts) selling
 * some of Northwind's products, and the integration that points at it, so a newcomer syncs real
 * HTTP pages with one click. Northwind's, because the platform's admin (the one who sees the
 * Integrations page) belongs to it. A few SKUs the shop sells are no product of ours, so the
 * sync's "unknown SKUs" shows too.
 */
export const DEMO_SHOP = {
  organization: "northwind",
  integrationId: "integration-demo-northwind-shop",
  name: "Northwind web shop (demo)",
  accessToken: "shpat_demo_northwind_token",
  /** Of the organisation's demo products, the first ones are on sale in the shop. */
  skuCount: 12,
  unknownSkus: ["GIFT-CARD-25", "SAMPLE-KIT"],
  defaultPort: 4100,
} as const;

export function demoShopUrl(port: number = DEMO_SHOP.defaultPort): string {
  return `http://127.0.0.1:${port}`;
}

/** The SKUs the shop sells that are products of ours, as the seed names them. @param products - the seed's products per organisation */
export function demoShopSkus(products: number): string[] {
  const organization = demoOrganization(DEMO_SHOP.organization);
  return demoProducts(Math.min(products, DEMO_SHOP.skuCount), organization.seed).map((product) => `${organization.skuPrefix}${product.sku}`);
}

/** The shop's locations: the organisation's regional warehouses, by name (those serve customers). */
export function demoShopLocations(): string[] {
  return DEMO_NETWORKS[DEMO_SHOP.organization].warehouses.filter((warehouse) => warehouse.kind === "REGIONAL").map((warehouse) => warehouse.name);
}

/**
 * Creates the demo integration, or points it at `baseUrl` again. Idempotent: the id is fixed, the
 * token is sealed afresh (under the current INTEGRATION_SECRET_KEY), and the webhook secret is
 * kept unless it was sealed under another key and cannot be read any more. Its status, cursors
 * and sync history are left as they are, so a restart of `npm run up` goes on incrementally.
 */
export async function seedDemoIntegration(db: Db, { baseUrl }: { baseUrl: string }): Promise<{ id: string; baseUrl: string }> {
  const { id: organizationId } = demoOrganization(DEMO_SHOP.organization);
  const credentials = sealSecret(JSON.stringify({ accessToken: DEMO_SHOP.accessToken }));
  // The platform's admin added it: the owner of the syncs its webhooks start.
  const admin = await db.user.findUnique({ where: { email: DEMO_USERS.find((user) => user.role === "ADMIN")!.email }, select: { id: true } });
  const existing = await db.integration.findUnique({ where: { id: DEMO_SHOP.integrationId }, select: { webhookSecret: true } });
  const webhookSecret = existing && readable(existing.webhookSecret) ? existing.webhookSecret : sealSecret(randomBytes(32).toString("base64url"));
  await db.integration.upsert({
    where: { id: DEMO_SHOP.integrationId },
    update: { organizationId, baseUrl, credentials, webhookSecret, createdById: admin?.id ?? null },
    create: { id: DEMO_SHOP.integrationId, organizationId, kind: "SHOPIFY", name: DEMO_SHOP.name, baseUrl, credentials, webhookSecret, createdById: admin?.id ?? null, settings: { syncIntervalMinutes: null } },
  });
  return { id: DEMO_SHOP.integrationId, baseUrl };
}

function readable(sealed: string): boolean {
  try {
    openSecret(sealed);
    return true;
  } catch (error) {
    if (error instanceof SealedSecretError) return false;
    throw error;
  }
}
