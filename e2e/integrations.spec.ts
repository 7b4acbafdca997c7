import { expect, test } from "@playwright/test";
import { AUTH_FILES, BASE_URL, UNSERVED_QUEUE } from "./e2e-env";
import { createTestWorker } from "./test-worker";

test.use({ storageState: AUTH_FILES.admin });

const SAME_ORIGIN = { origin: BASE_URL };
const TOKEN = "shpat_e2e_token";
const SKU = "SHOP-E2E-0001";

/**
 * The suite's worker leaves the sync queue unserved (other specs hold waiting jobs there), so this
 * test serves it with a worker of its own running the real sync processor, in this process, on
 * the suite's Redis and database: the web app enqueues, this worker pulls from the fake shop over
 * HTTP, as a worker host would.
 */
test("an admin adds a Shopify integration, syncs it, and sees the orders in the product's sales and its forecast", async ({ page }) => {
  test.setTimeout(240_000);
  expect(UNSERVED_QUEUE).toBe("sync");
  const worker = await createTestWorker(["sync"], async () => (await import("../worker/processors")).processors);
  const { db } = worker;
  const { FakeShopify, seedDemoShop } = await import("../scripts/fakes/shopify");
  const fake = new FakeShopify({ accessToken: TOKEN, seed: 11 });
  try {
    // A product of Northwind's with no sales at all: whatever history it has afterwards came from the shop.
    await db.salesDaily.deleteMany({ where: { product: { organizationId: "org-northwind", sku: SKU } } });
    const product = await db.product.upsert({
      where: { organizationId_sku: { organizationId: "org-northwind", sku: SKU } },
      update: {},
      create: { organizationId: "org-northwind", sku: SKU, name: "Shop-only Widget", category: "E2E shop", unitCost: 2.5, unitPrice: 6 },
    });
    const url = await fake.start();
    seedDemoShop(fake, { skus: [SKU], locations: ["Leeds Warehouse"], days: 60, ordersPerDay: 4, unknownSkus: ["GIFT-CARD-25"] });
    const sold = fake.allOrders.flatMap((order) => (order.cancelledAt ? [] : order.lineItems)).filter((line) => line.sku === SKU).reduce((sum, line) => sum + line.quantity, 0);
    expect(sold).toBeGreaterThan(0);

    // Jobs other specs left waiting in the sync queue name integrations that do not exist.
    for (const type of ["prioritized", "wait", "delayed"]) {
      const cleaned = await page.request.post("/api/v1/queues/sync/clean", { data: { type, grace: 0, limit: 100_000 }, headers: SAME_ORIGIN });
      expect(cleaned.status(), await cleaned.text()).toBe(200);
    }
    await worker.start();

    await page.goto(`/products/${product.id}`);
    await expect(page.getByText("No sales yet")).toBeVisible();

    await page.goto("/integrations");
    await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "Add integration" }).click();
    const dialog = page.getByRole("dialog", { name: "Add integration" });
    await dialog.getByLabel("Name").fill("E2E web shop");
    await dialog.getByLabel("Address").fill(url);
    await dialog.getByLabel("Admin API access token").fill(TOKEN);
    await dialog.getByRole("button", { name: "Add integration" }).click();
    await expect(dialog).toBeHidden();

    const row = page.getByTestId("integration-row").filter({ hasText: "E2E web shop" });
    await expect(row.getByTestId("integration-status")).toHaveText("Active");
    await expect(row.getByTestId("last-sync")).toHaveText("Never synced");

    await row.getByRole("button", { name: "Check connection" }).click();
    await expect(row.getByTestId("connection-check")).toContainText("Connected");

    // The token is write-only: editing shows an empty password field.
    await row.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("dialog", { name: "Edit E2E web shop" });
    const token = edit.getByLabel("Admin API access token");
    await expect(token).toHaveAttribute("type", "password");
    await expect(token).toHaveValue("");
    await edit.getByRole("button", { name: "Cancel" }).click();

    await row.getByRole("button", { name: "Webhooks" }).click();
    const webhooks = page.getByRole("dialog", { name: "Webhooks of E2E web shop" });
    await expect(webhooks.getByLabel("Webhook URL", { exact: true })).toHaveValue(/\/api\/v1\/integrations\/[^/]+\/webhooks$/);
    await expect(webhooks.getByLabel("Signing secret", { exact: true })).toHaveAttribute("type", "password");
    await webhooks.getByRole("button", { name: "Close" }).click();

    await row.getByRole("button", { name: "Sync now" }).click();
    await expect(page).toHaveURL(/\/integrations\?job=/);
    const progress = page.getByRole("progressbar", { name: "Sync progress" });
    await expect(progress).toBeVisible();
    // The fake's rate limit (40-request bucket, 2/s) paces the pull.
    await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 120_000 });
    const result = page.getByTestId("sync-result");
    await expect(result).toContainText("Orders");
    // The gift card the shop sells is no product of ours.
    await expect(result.getByText("Unknown SKUs").locator("..")).toHaveText("Unknown SKUs1");
    await expect(row.getByTestId("last-sync")).toContainText("Succeeded");
    await page.screenshot({ path: "e2e/screenshots/integrations-synced.png", fullPage: true, animations: "disabled" });

    // The orders are the product's daily sales now, each unit counted once.
    const overview = (await (await page.request.get(`/api/v1/products/${product.id}/overview?days=180`)).json()) as { sales: { date: string; quantity: number }[] };
    expect(overview.sales.reduce((sum, day) => sum + day.quantity, 0)).toBe(sold);
    await page.goto(`/products/${product.id}`);
    await expect(page.getByText(/Units per day, last \d+ days/)).toBeVisible();
    await expect(page.getByTestId("sales-chart")).toBeVisible();

    // …and what a forecast of the product is made from.
    await page.getByRole("link", { name: "Run a forecast" }).click();
    await expect(page.getByRole("form", { name: "New forecast" }).getByRole("combobox", { name: "Product" })).toHaveValue(`Shop-only Widget (${SKU})`);
    await page.getByRole("button", { name: "Run forecast", exact: true }).click();
    await expect(page.getByRole("progressbar", { name: "Forecast progress" })).toHaveAttribute("aria-valuenow", "100", { timeout: 90_000 });
    await expect(page.getByText(new RegExp(`${SKU} · E2E shop · last \\d+ days of sales`))).toBeVisible();

    // Disabled, it cannot be synced; deleted, it is gone.
    await page.goto("/integrations");
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(row.getByTestId("integration-status")).toHaveText("Disabled");
    await expect(row.getByRole("button", { name: "Sync now" })).toBeDisabled();
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete integration" }).click();
    await expect(row).toHaveCount(0);
  } finally {
    await worker.stop();
    await fake.stop();
  }
});
