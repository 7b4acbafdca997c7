import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { AUTH_FILES } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner });

test("a planner exports sales as a PDF report, watches it finish and downloads it", async ({ page }) => {
  await page.goto("/exports");
  await expect(page.getByRole("heading", { name: "Exports", exact: true })).toBeVisible();
  const form = page.getByRole("form", { name: "New export" });
  await form.getByLabel("Data").selectOption({ label: "Daily sales" });
  await form.getByLabel("Format").selectOption({ label: "PDF report" });
  await form.getByLabel("Category").fill("Bearings");
  await form.getByLabel("From").fill("2026-10-01");
  await form.getByLabel("To").fill("2026-10-07");
  await form.getByRole("button", { name: "Export" }).click();

  const progress = page.getByRole("progressbar", { name: "Export progress" });
  await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  // The result's button (the list below has a link of the same name once it refreshes).
  const download = page.getByRole("link", { name: /^Download sales-\d{4}-\d{2}-\d{2}\.pdf$/ }).first();
  await expect(download).toBeVisible();
  await expect(page.getByText("Daily sales as PDF report · category Bearings · 2026-10-01 – 2026-10-07")).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/exports-done.png", fullPage: true, animations: "disabled" });

  const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
  expect(file.suggestedFilename()).toMatch(/^sales-\d{4}-\d{2}-\d{2}\.pdf$/);
  const saved = join(tmpdir(), `e2e-export-${Date.now()}.pdf`);
  await file.saveAs(saved);
  expect(readFileSync(saved).subarray(0, 5).toString()).toBe("%PDF-");
  // Read and rendered by another program, as a user's viewer would.
  const text = execFileSync("pdftotext", ["-layout", saved, "-"], { encoding: "utf8" });
  expect(text).toContain("Daily sales");
  expect(text).toContain("Northwind Components");
  expect(text).toContain("Category: Bearings");
  expect(text).toMatch(/2026-10-01\s+BEA-/);
  execFileSync("pdftoppm", ["-png", "-r", "50", "-f", "1", "-l", "1", saved, join(tmpdir(), "e2e-export-page")]);

  // The finished run's event refreshed "Your files": the file is listed there, downloadable.
  const files = page.getByRole("table", { name: "Your exports, newest first" });
  const listed = files.getByRole("row").filter({ hasText: file.suggestedFilename() }).first();
  await expect(listed.getByRole("link", { name: `Download ${file.suggestedFilename()}` })).toBeVisible();
});

test("a filter an export cannot take never starts a run: the form only offers what applies", async ({ page }) => {
  await page.goto("/exports");
  const form = page.getByRole("form", { name: "New export" });
  await form.getByLabel("Data").selectOption({ label: "Products" });
  // Products have no dates: the date fields are gone.
  await expect(form.getByLabel("From")).toHaveCount(0);
  await form.getByLabel("Data").selectOption({ label: "Daily sales" });
  await form.getByLabel("From").fill("2026-10-07");
  await form.getByLabel("To").fill("2026-10-01");
  await form.getByRole("button", { name: "Export" }).click();
  await expect(form.getByText("The end date must not be before the start date.")).toBeVisible();
});

test("a planner exports an analytics report from its page and their runs from My runs, and opens both files", async ({ page }) => {
  await page.goto("/analytics");
  await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();
  await page.getByLabel("Report", { exact: true }).selectOption({ label: "ABC analysis" });
  await page.getByRole("button", { name: "Run report" }).click();
  await expect(page.getByRole("progressbar", { name: "Report progress" })).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  await page.getByTestId("analytics-report").getByRole("link", { name: "Link to this report" }).click();
  await expect(page).toHaveURL(/\/analytics\/reports\/[^/]+$/);
  const table = page.getByTestId("product-table");
  await expect(table.locator("tbody tr").first()).toBeVisible();
  const shownRows = await table.locator("tbody tr").count();
  const firstSku = (await table.locator("tbody tr").first().locator(".font-mono").first().innerText()).trim();

  // The report as a PDF: its table, its period, the rows the page shows.
  const reportExport = page.getByRole("group", { name: "Export this report" });
  await reportExport.getByRole("button", { name: "PDF report" }).click();
  const reportLink = reportExport.getByRole("link", { name: /^Download reports-\d{4}-\d{2}-\d{2}\.pdf$/ });
  await expect(reportLink).toBeVisible({ timeout: 60_000 });
  const [pdf] = await Promise.all([page.waitForEvent("download"), reportLink.click()]);
  const pdfPath = join(tmpdir(), `e2e-export-report-${Date.now()}.pdf`);
  await pdf.saveAs(pdfPath);
  expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe("%PDF-");
  const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"], { encoding: "utf8" });
  expect(text).toMatch(/ABC analysis, \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}/);
  expect(text).toMatch(/Rank\s+SKU\s+Product\s+Category/);
  expect(text).toMatch(new RegExp(`1\\s+${firstSku}\\s`));
  expect(text.match(/^\s*\d+\s+[A-Z]+-\S+\s/gm)?.length).toBe(shownRows);

  // My runs, narrowed to analytics: the CSV holds those runs, this report's among them.
  await page.goto("/my-runs?queue=analytics");
  await expect(page.getByTestId("run-row").first()).toBeVisible();
  const runsExport = page.getByRole("group", { name: "Export these runs" });
  await runsExport.getByRole("button", { name: "CSV" }).click();
  const runsLink = runsExport.getByRole("link", { name: /^Download runs-\d{4}-\d{2}-\d{2}\.csv$/ });
  await expect(runsLink).toBeVisible({ timeout: 60_000 });
  const [csv] = await Promise.all([page.waitForEvent("download"), runsLink.click()]);
  const csvPath = join(tmpdir(), `e2e-export-runs-${Date.now()}.csv`);
  await csv.saveAs(csvPath);
  const rows = parse(readFileSync(csvPath), { bom: true, columns: true }) as Record<string, string>[];
  expect(rows.length).toBeGreaterThan(0);
  expect(new Set(rows.map((row) => row.Queue))).toEqual(new Set(["analytics"]));
  expect(rows[0]).toMatchObject({ Job: "analytics:abc-analysis", State: "completed", About: "abc-analysis" });
});
