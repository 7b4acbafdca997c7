import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { DEMO_SHOP, seedDemoIntegration } from "@/lib/demo/demo-shop";
import { demoOrganization } from "@/lib/demo/demo-users";
import { openSecret, sealSecret } from "@/lib/integrations/secrets";

describe("the demo integration of npm run up", () => {
  it("is created once, follows the shop's address, and keeps its webhook secret and sync history on a re-seed", async () => {
    const organization = demoOrganization(DEMO_SHOP.organization);
    await db().organization.upsert({ where: { id: organization.id }, update: {}, create: { id: organization.id, slug: organization.slug, name: organization.name } });
    await db().integration.deleteMany({ where: { id: DEMO_SHOP.integrationId } });

    await seedDemoIntegration(db(), { baseUrl: "http://127.0.0.1:4100" });
    const first = await db().integration.findUniqueOrThrow({ where: { id: DEMO_SHOP.integrationId } });
    expect(first).toMatchObject({ organizationId: organization.id, kind: "SHOPIFY", baseUrl: "http://127.0.0.1:4100", status: "ACTIVE" });
    expect(JSON.parse(openSecret(first.credentials!))).toEqual({ accessToken: DEMO_SHOP.accessToken });
    expect(first.credentials).not.toContain(DEMO_SHOP.accessToken);

    const syncedAt = new Date("2026-12-01T10:00:00Z");
    await db().integration.update({ where: { id: first.id }, data: { lastSyncAt: syncedAt, lastSuccessAt: syncedAt } });
    await seedDemoIntegration(db(), { baseUrl: "http://127.0.0.1:4200" });
    const again = await db().integration.findUniqueOrThrow({ where: { id: DEMO_SHOP.integrationId } });
    expect(await db().integration.count({ where: { organizationId: organization.id, name: DEMO_SHOP.name } })).toBe(1);
    expect(again).toMatchObject({ baseUrl: "http://127.0.0.1:4200", webhookSecret: first.webhookSecret, lastSyncAt: syncedAt, lastSuccessAt: syncedAt });
  });

  it("replaces a webhook secret sealed under another key (a lost .env.local), which could never be checked again", async () => {
    await seedDemoIntegration(db(), { baseUrl: "http://127.0.0.1:4100" });
    await db().integration.update({ where: { id: DEMO_SHOP.integrationId }, data: { webhookSecret: sealSecret("old-secret", randomBytes(32)) } });
    await seedDemoIntegration(db(), { baseUrl: "http://127.0.0.1:4100" });
    const row = await db().integration.findUniqueOrThrow({ where: { id: DEMO_SHOP.integrationId } });
    expect(openSecret(row.webhookSecret)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
