import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { demoOrganization } from "../lib/demo/demo-users";
import { AUTH_FILES, E2E_DATABASE_URL } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner });

/** The demo planner's organisation, whose products these are. */
const ORGANIZATION = demoOrganization("northwind").id;

/**
 * A category of its own for this run: three products with a year of sales and one with none,
 * whose forecast fails as it would for a product just imported without history.
 */
async function createCategory(category: string): Promise<{ withoutHistory: string }> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  const ids = Array.from({ length: 4 }, (_, index) => `e2e-batch-${category}-${index}`);
  try {
    for (const [index, id] of ids.entries()) {
      await client.query(`INSERT INTO "Product" ("id", "organizationId", "sku", "name", "category", "unitCost") VALUES ($1, $2, $3, 'E2E batch product', $4, 4.5)`, [
        id,
        ORGANIZATION,
        `BAT-${category}-${index}`,
        category,
      ]);
    }
    await addSales(client, ids.slice(0, 3));
  } finally {
    await client.end();
  }
  return { withoutHistory: ids[3]! };
}

async function addSales(client: pg.Client, ids: string[]) {
  for (const id of ids) {
    await client.query(
      `INSERT INTO "SalesDaily" ("organizationId", "productId", "date", "quantity")
       SELECT $2, $1, (DATE '2026-10-31' - g), 20 + (g % 7) * 3 + (g % 11) FROM generate_series(0, 364) g
       ON CONFLICT DO NOTHING`,
      [id, ORGANIZATION],
    );
  }
}

test("a planner forecasts a category as a batch, watches it finish, and retries the product that failed", async ({ page }) => {
  const category = `e2e-${randomBytes(4).toString("hex")}`;
  const { withoutHistory } = await createCategory(category);

  await page.goto("/forecasts");
  await expect(page.getByRole("heading", { name: "Forecast many products" })).toBeVisible();
  await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();
  const launcher = page.getByRole("form", { name: "Batch of forecasts" });
  await launcher.getByRole("radio", { name: "A category" }).check();
  await launcher.getByRole("combobox", { name: "Category" }).fill(category);
  await launcher.getByRole("button", { name: "Run forecast for the category" }).click();

  const panel = page.getByRole("region", { name: "Batch of forecasts" });
  await expect(panel).toBeVisible();
  await expect(page).toHaveURL(/\?batch=/);
  // Live counts: three forecasts complete, the product without history fails with its reason.
  await expect(panel.locator('[data-count="completed"]')).toHaveText("3", { timeout: 90_000 });
  await expect(panel.locator('[data-count="failed"]')).toHaveText("1");
  await expect(panel.locator('[data-count="waiting"]')).toHaveText("0");
  await expect(panel.getByText("Finished: 4 of 4 products")).toBeVisible();
  await expect(panel.locator('[data-rollup="forecasts"]')).toHaveText("3");
  await expect(panel.locator('[data-rollup="meanAccuracy"]')).toHaveText(/^\d+(\.\d+)?$/);
  const failedRow = panel.locator(`[data-failed-child="${withoutHistory}"]`);
  await expect(failedRow).toContainText(`BAT-${category}-3`);
  await expect(failedRow).toContainText("days of sales history");
  await page.screenshot({ path: "/tmp/flows-batch-failed.png", fullPage: true, animations: "disabled" });

  // The product gets its history (an import would bring it), then is retried from the batch.
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    await addSales(client, [withoutHistory]);
  } finally {
    await client.end();
  }
  await panel.getByRole("button", { name: "Retry failed (1)" }).click();
  await expect(panel.locator('[data-count="completed"]')).toHaveText("4", { timeout: 60_000 });
  await expect(panel.locator('[data-count="failed"]')).toHaveText("0");
  await expect(panel.locator('[data-rollup="forecasts"]')).toHaveText("4");
  await expect(panel.getByRole("button", { name: /Retry failed/ })).toHaveCount(0);
  await page.screenshot({ path: "/tmp/flows-batch-done.png", fullPage: true, animations: "disabled" });

  // A reload shows the same batch from the URL.
  await page.reload();
  await expect(page.getByRole("region", { name: "Batch of forecasts" }).locator('[data-count="completed"]')).toHaveText("4");
});

test("a planner optimises a whole category from the inventory page as one batch", async ({ page }) => {
  await page.goto("/inventory");
  await expect(page.getByRole("heading", { name: "Optimise many products" })).toBeVisible();
  const launcher = page.getByRole("form", { name: "Batch of optimisations" });
  await launcher.getByRole("radio", { name: "A category" }).check();
  await launcher.getByRole("combobox", { name: "Category" }).fill("Bearings");
  await launcher.getByRole("button", { name: "Run optimisation for the category" }).click();
  const panel = page.getByRole("region", { name: "Batch of optimisations" });
  await expect(page).toHaveURL(/\?batch=/);
  await expect(panel.getByText(/^Finished: (\d+) of \1 products$/)).toBeVisible({ timeout: 90_000 });
  await expect(panel.locator('[data-count="failed"]')).toHaveText("0");
  await expect(panel.locator('[data-count="completed"]')).not.toHaveText("0");
  await page.screenshot({ path: "e2e/screenshots/inventory-batch.png", fullPage: true, animations: "disabled" });
});
