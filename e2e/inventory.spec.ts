import { expect, test } from "@playwright/test";
import pg from "pg";
import { AUTH_FILES, E2E_DATABASE_URL } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner });

/** Empties one regional warehouse of a product with a snapshot a day after the latest: that warehouse must order now. */
async function emptyRegionalWarehouse(productId: string): Promise<string> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ code: string }>(
      `INSERT INTO "StockSnapshot" ("organizationId", "productId", "warehouseId", "date", "onHand")
       SELECT w."organizationId", $1, w."id", (SELECT max("date") + 1 FROM "StockSnapshot" WHERE "productId" = $1), 0
       FROM "Warehouse" w JOIN "Product" p ON p."organizationId" = w."organizationId"
       WHERE p."id" = $1 AND w."kind" = 'REGIONAL'
       ORDER BY w."code" LIMIT 1
       RETURNING (SELECT "code" FROM "Warehouse" WHERE "id" = "warehouseId") AS code`,
      [productId],
    );
    await client.query(`UPDATE "PurchaseOrder" SET "status" = 'CANCELLED' WHERE "productId" = $1 AND "status" = 'OPEN' AND "warehouseId" IN (SELECT "id" FROM "Warehouse" WHERE "code" = $2)`, [productId, rows[0]!.code]);
    return rows[0]!.code;
  } finally {
    await client.end();
  }
}

const noSidewaysScroll = () => document.documentElement.scrollWidth - document.documentElement.clientWidth;

test("a planner optimises a product, reads its policy and allocation, then the reorder list and the product page", async ({ page }) => {
  await page.goto("/inventory");
  await expect(page.getByRole("heading", { name: "Inventory", exact: true })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inventory" })).toHaveAttribute("aria-current", "page");

  // Launch with two constraints of the planner's own; the holding rate stays the product's.
  const picker = page.getByRole("combobox", { name: "Product" });
  await picker.fill("bearing");
  await page.getByRole("option", { name: /Ball Bearing 6204 BEA-/ }).click();
  await page.getByLabel("Ordering cost ($ per order)").fill("40");
  await page.getByLabel("Cycle service level (%)").fill("97");
  await page.getByRole("button", { name: "Run optimisation" }).click();

  const progress = page.getByRole("progressbar", { name: "Optimisation progress" });
  await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  await expect(page.getByTestId("run-steps").getByRole("listitem")).toHaveText([/^Loading demand/, /^Computing inventory policy/, /^Allocating across warehouses/, /^Saving results/, /^Complete/]);

  // The product-wide policy, with units.
  const summary = page.getByTestId("policy-summary");
  for (const label of ["EOQ", "Safety stock", "Reorder point"]) await expect(summary.getByText(label, { exact: true })).toBeVisible();
  await expect(summary).toContainText(/\d[\d,]* units/);
  await expect(summary).toContainText("97.0 %");
  const productLink = page.getByRole("heading", { name: /Inventory policy — Ball Bearing 6204/ }).getByRole("link");
  await expect(productLink).toHaveAttribute("href", /^\/products\//);

  // Per warehouse: every warehouse of the demo network, each with a recommendation.
  const policies = page.getByTestId("warehouse-policy-table");
  const warehouseRows = policies.getByRole("row");
  await expect(warehouseRows).not.toHaveCount(0);
  const warehouses = (await warehouseRows.count()) - 1;
  expect(warehouses).toBeGreaterThanOrEqual(3);
  await expect(policies.getByText(/^(Order [\d,]+ now|Order [\d,]+ by \w{3} \d+|No demand)$/)).toHaveCount(warehouses);
  await expect(policies.getByRole("rowheader").filter({ hasText: "central DC" }).first()).toBeVisible();

  // The allocation: one row per regional warehouse, a total, and the fair-share rule in words.
  const allocation = page.getByTestId("allocation-table");
  await expect(allocation.getByRole("columnheader")).toHaveText(["Warehouse", "Need", "From", "Allocated", "Transport cost", "Short"]);
  await expect(allocation.getByRole("rowheader", { name: "Total" })).toBeVisible();
  await expect(allocation.locator("tfoot")).toContainText("$");
  await expect(page.getByTestId("fair-share")).toContainText("need × supply ÷ total need");

  // The inputs: the run's own constraints marked as such, and where the demand came from.
  const inputs = page.getByTestId("optimization-inputs");
  await expect(inputs.getByText("$40.00 per order")).toBeVisible();
  await expect(inputs.getByText(/97\.0 % \(z = 1\.881\)/)).toBeVisible();
  await expect(inputs.getByText("set for this run")).toHaveCount(2);
  await expect(page.getByText(/From (history \(the last \d+ days of sales\)|forecast of)/).first()).toBeVisible();
  expect(await page.evaluate(noSidewaysScroll)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "/tmp/inventory-result.png", fullPage: true, animations: "disabled" });

  // The run shows under recent runs with its constraints.
  await expect(page.getByTestId("recent-runs").getByRole("button").first()).toContainText("Completed");

  // Today one of the product's regional warehouses is emptied: the reorder list says order it now.
  const productHref = await productLink.getAttribute("href");
  const productId = decodeURIComponent(productHref!.split("/").at(-1)!);
  const emptied = await emptyRegionalWarehouse(productId);
  await page.reload();
  const reorder = page.getByTestId("reorder-table");
  const line = reorder.getByRole("row").filter({ has: page.getByRole("link", { name: /Ball Bearing 6204/ }) }).filter({ hasText: emptied });
  await expect(line).toHaveCount(1);
  await expect(line.getByRole("cell").first()).toHaveText("Now");
  await expect(line).toContainText(/[\d,]+ units/);
  await expect(line).toContainText("The inventory position 0 (0 on hand + 0 on order) is at or below the reorder point");

  // Most urgent first: "Now" lines before dated ones; sortable by quantity either way.
  const orderBy = await reorder.locator("tbody tr td:first-child").allInnerTexts();
  expect(orderBy.slice(0, orderBy.lastIndexOf("Now") + 1).every((text) => text === "Now")).toBe(true);
  const quantities = async () => (await reorder.locator("tbody tr td:nth-child(4)").allInnerTexts()).map((text) => Number(text.replace(/[^\d]/g, "")));
  await reorder.getByRole("button", { name: /Quantity/ }).click();
  await expect(reorder.getByRole("columnheader", { name: /Quantity/ })).toHaveAttribute("aria-sort", "ascending");
  const ascending = await quantities();
  expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
  await reorder.getByRole("button", { name: /Quantity/ }).click();
  await expect(reorder.getByRole("columnheader", { name: /Quantity/ })).toHaveAttribute("aria-sort", "descending");
  const descending = await quantities();
  expect(descending).toEqual([...descending].sort((a, b) => b - a));
  await page.getByRole("heading", { name: "What to order this week" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/inventory-reorder.png", fullPage: true, animations: "disabled" });

  // The product page, from the list.
  await line.getByRole("link", { name: /Ball Bearing 6204/ }).click();
  await expect(page).toHaveURL(new RegExp(`/products/${productId}$`));
  await expect(page.getByRole("heading", { level: 1, name: /Ball Bearing 6204/ })).toBeVisible();
  await expect(page.getByTestId("product-terms")).toContainText("Lead time");
  await expect(page.getByTestId("sales-chart").or(page.getByTestId("forecast-chart")).locator(".recharts-line").first()).toBeVisible({ timeout: 20_000 });
  const stock = page.getByTestId("stock-table");
  await expect(stock.getByRole("row").filter({ hasText: emptied })).toContainText("0 units");
  await expect(page.getByTestId("latest-policy")).toContainText(/EOQ\s*[\d,]+ units/);
  await expect(page.getByTestId("warehouse-policy-table").getByRole("row")).toHaveCount(warehouses + 1);
  await expect(page.getByRole("link", { name: "Run an optimisation" })).toHaveAttribute("href", `/inventory?product=${productId}`);
  expect(await page.evaluate(noSidewaysScroll)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "/tmp/inventory-product.png", fullPage: true, animations: "disabled" });

  // Phone width: everything stacks, tables scroll inside their cards.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(noSidewaysScroll)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "/tmp/inventory-product-phone.png", fullPage: true, animations: "disabled" });

  // "Run a forecast" and "Run an optimisation" open their launchers with the product picked.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole("link", { name: "Run a forecast" }).click();
  await expect(page.getByRole("heading", { name: "Demand forecasts" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Product" })).toHaveValue(/Ball Bearing 6204 \(BEA-\d+\)/);
  await page.goBack();
  await page.getByRole("link", { name: "Run an optimisation" }).click();
  await expect(page.getByRole("heading", { name: "Inventory", exact: true })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Product" })).toHaveValue(/Ball Bearing 6204 \(BEA-\d+\)/);
});

test("bad constraints are explained next to their fields", async ({ page }) => {
  await page.goto("/inventory");
  await page.getByLabel("Ordering cost ($ per order)").fill("-5");
  await page.getByLabel("Holding-cost rate (% of unit cost per year)").fill("0");
  await page.getByRole("radiogroup", { name: "Service level as" }).getByText("z", { exact: true }).click();
  await expect(page.getByRole("radio", { name: "z" })).toBeChecked();
  await page.getByLabel("Safety factor z").fill("9");
  await page.getByRole("button", { name: "Run optimisation" }).click();
  await expect(page.getByText("Choose a product.")).toBeVisible();
  await expect(page.getByText("Enter an amount of 0 or more, e.g. 45.")).toBeVisible();
  await expect(page.getByText("Enter a yearly rate above 0 % and at most 1,000 %, e.g. 22.")).toBeVisible();
  await expect(page.getByText("Enter a z above 0 and at most 6, e.g. 1.65.")).toBeVisible();
  await page.screenshot({ path: "/tmp/inventory-validation.png", animations: "disabled" });
});
