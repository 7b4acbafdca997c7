import { readFileSync } from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { AUTH_FILES } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner });

/** A figure of the report's totals, by its label. */
const figure = (page: Page, label: string): Locator => page.getByTestId("import-totals").locator("div").filter({ has: page.getByText(label, { exact: true }) }).locator("dd");

test("a planner uploads products, maps a column, dry-runs, reads the report, imports the valid rows and finds both runs in the history", async ({ page }) => {
  // Unique codes so a retried test imports new products rather than re-importing the same ones;
  // the leading zeros must survive the whole way.
  const stamp = Date.now().toString(36).toUpperCase();
  const sku = (number: string) => `${number}-${stamp}`;
  const fileName = `products-${stamp}.csv`;
  // Semicolons and decimal commas, as a European spreadsheet writes them.
  const csv = [
    "Item code;Product name;Group;Valuation (EUR);Remarks",
    `${sku("0042")};Imported widget;E2E Imports;12,50;first`,
    `${sku("0043")};Imported gear;E2E Imports;-3;a negative cost`,
    `${sku("0044")};Imported shaft;E2E Imports;7,25;`,
    `${sku("0045")};Imported cog;E2E Imports;0,99;last`,
  ].join("\r\n");

  await page.goto("/imports");
  await expect(page.getByRole("heading", { name: "Imports", exact: true })).toBeVisible();
  await page.getByLabel("File to import").setInputFiles({ name: fileName, mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });

  // What the server detected, and the first rows as the file holds them.
  const detected = page.getByTestId("detected-file");
  await expect(detected).toContainText(fileName);
  await expect(detected).toContainText("CSV");
  await expect(detected).toContainText("semicolon");
  const preview = page.getByRole("table", { name: `First 4 rows of ${fileName}` });
  await expect(preview.getByRole("row").filter({ hasText: sku("0042") })).toContainText("Imported widget");

  // Mapping: the headers are matched by name; the cost column is named like nothing the app knows.
  await page.getByLabel("The file holds").selectOption({ label: "Products" });
  const mapping = page.getByRole("form", { name: "Column mapping" });
  await expect(mapping.getByLabel("Field for column Item code")).toHaveValue("sku");
  await mapping.getByLabel("Field for column Valuation (EUR)").selectOption({ label: "Not imported" });
  await expect(mapping.getByText("Required fields without a column")).toBeVisible();
  await expect(mapping.getByRole("button", { name: "Dry run" })).toBeDisabled();
  await mapping.getByLabel("Field for column Valuation (EUR)").selectOption({ label: "Unit cost (required)" });
  await expect(mapping.getByText("Required fields without a column")).toHaveCount(0);
  await expect(mapping.getByLabel("Field for column Remarks")).toHaveValue("");

  // Dry run, all or nothing: progress on the run panel, then the report.
  await mapping.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByRole("progressbar", { name: "Import progress" })).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  await expect(page.getByRole("heading", { name: "Dry run report" })).toBeVisible();
  await expect(page.getByText("1 row of 4 would be refused")).toBeVisible();
  await expect(figure(page, "Rows read")).toHaveText("4");
  await expect(figure(page, "Valid")).toHaveText("3");
  await expect(figure(page, "Invalid")).toHaveText("1");

  // The error by row (as the spreadsheet numbers it: header = 1) and column, and the cell outlined.
  const errors = page.getByRole("table", { name: "Errors by row and column" });
  const errorRow = errors.getByRole("row").filter({ hasText: "Valuation (EUR)" });
  await expect(errorRow.getByRole("cell").first()).toHaveText("3");
  await expect(errorRow).toContainText("-3");
  const grid = page.getByRole("table", { name: "Invalid rows with the offending cells marked" });
  const marked = grid.locator("[data-problem]");
  await expect(marked).toHaveCount(1);
  await expect(marked).toHaveText("-3");
  await expect(grid.getByRole("row").filter({ has: page.locator("[data-problem]") })).toContainText(sku("0043"));
  await page.screenshot({ path: "e2e/screenshots/imports-dry-run.png", fullPage: true, animations: "disabled" });

  // The full error list downloads as CSV.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download every error (CSV)" }).click()]);
  const errorList = readFileSync(await download.path(), "utf8");
  expect(errorList.split(/\r?\n/)[0]).toMatch(/row.*column.*message/i);
  expect(errorList).toContain("Valuation (EUR)");
  expect(errorList).toContain("-3");

  // Import the valid rows: the same file and mapping, another mode.
  await mapping.getByLabel("When a row is invalid").selectOption({ label: "Valid rows only" });
  await mapping.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Import report" })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("Imported 3 rows; 1 row left out")).toBeVisible();
  await expect(figure(page, "Imported")).toHaveText("3");

  // The products are there, codes as written.
  const found = await page.request.get(`/api/v1/products?search=${encodeURIComponent(stamp)}`);
  expect(found.ok()).toBe(true);
  const skus = ((await found.json()) as { products: { sku: string }[] }).products.map((product) => product.sku).sort();
  expect(skus).toEqual([sku("0042"), sku("0044"), sku("0045")]);

  // Both runs in the organisation's history, newest first, with their counts and reports.
  const history = page.getByRole("table", { name: "Imports, newest first" });
  const runs = history.getByRole("row").filter({ hasText: fileName });
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(0)).toContainText("Import");
  await expect(runs.nth(0)).toContainText("Valid rows only");
  // Cells after the file name: data, run, state, rows, valid, invalid, imported.
  const latest = runs.nth(0).getByRole("cell");
  await expect(latest.nth(2)).toHaveText("Completed");
  await expect(latest.nth(3)).toHaveText("4");
  await expect(latest.nth(4)).toHaveText("3");
  await expect(latest.nth(5)).toHaveText("1");
  await expect(latest.nth(6)).toHaveText("3");
  await expect(runs.nth(1)).toContainText("Dry run");
  await page.screenshot({ path: "e2e/screenshots/imports-done.png", fullPage: true, animations: "disabled" });

  await runs.nth(0).getByRole("link", { name: `Report of ${fileName}` }).click();
  await expect(page).toHaveURL(/\/imports\/[^/?]+$/);
  await expect(page.getByRole("heading", { name: "Import report", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: fileName })).toBeVisible();
  await expect(figure(page, "Imported")).toHaveText("3");
  await expect(page.getByRole("table", { name: "Errors by row and column" }).getByRole("row").filter({ hasText: "Valuation (EUR)" })).toContainText("-3");
  await page.screenshot({ path: "e2e/screenshots/imports-report.png", fullPage: true, animations: "disabled" });
});

test("a file dropped on the page that is not a spreadsheet is refused, with what to do", async ({ page }) => {
  await page.goto("/imports");
  // A binary file named .csv: refused by its content, not by its name.
  const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0xff, 0xfe, 0x00]);
  const dataTransfer = await page.evaluateHandle((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "stock.csv", { type: "text/csv" }));
    return transfer;
  }, [...binary]);
  const zone = page.getByTestId("upload-drop-zone");
  await zone.dispatchEvent("dragover", { dataTransfer });
  await zone.dispatchEvent("drop", { dataTransfer });
  const refusal = page.getByRole("alert").filter({ hasText: "This file is not a CSV, TSV or Excel workbook" });
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText("stock.csv");
  // Nothing to map: the page is still waiting for a file.
  await expect(page.getByLabel("The file holds")).toHaveCount(0);
});
