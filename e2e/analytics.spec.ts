import { expect, test, type Page } from "@playwright/test";
import { AUTH_FILES } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner });

async function runReport(page: Page, label: string) {
  await page.getByLabel("Report", { exact: true }).selectOption({ label });
  await page.getByRole("button", { name: "Run report" }).click();
  const progress = page.getByRole("progressbar", { name: "Report progress" });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  const report = page.getByTestId("analytics-report");
  await expect(report).toBeVisible({ timeout: 15_000 });
  return report;
}

test("a planner runs a service-level report, watches it, sorts its table and opens its link", async ({ page }) => {
  await page.goto("/analytics");
  await expect(page.getByRole("heading", { name: "Inventory analytics" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Analytics" })).toHaveAttribute("aria-current", "page");
  // The live stream must be up before launching, so progress arrives by events.
  await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();

  const report = await runReport(page, "Service level");
  await expect(report.getByRole("heading", { name: "Service level", exact: true })).toBeVisible();
  await expect(report.getByTestId("report-definition")).toContainText("fill rate by units");
  const figures = report.getByTestId("report-figures");
  await expect(figures).toContainText("Fill rate (units)");
  await expect(figures.getByText(/^\d+(\.\d) %$/).first()).toBeVisible();
  // The weekly trend over the seeded year draws lines.
  await expect(report.getByTestId("trend-chart").locator(".recharts-line").first()).toBeVisible();

  // Sorting by days out of stock puts the most stocked-out product first, and back.
  const products = report.getByTestId("product-table");
  const header = products.getByRole("columnheader", { name: /Days out of stock/ });
  await header.getByRole("button").click();
  await expect(header).toHaveAttribute("aria-sort", "descending");
  const days = async () => (await products.locator("tbody tr td:nth-child(4)").allInnerTexts()).map((text) => Number(text.replace(/,/g, "")));
  const descending = await days();
  expect(descending.length).toBeGreaterThan(1);
  expect(descending).toEqual([...descending].sort((x, y) => y - x));
  await header.getByRole("button").click();
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  expect(await days()).toEqual([...descending].sort((x, y) => x - y));
  await page.screenshot({ path: "e2e/screenshots/analytics-service.png", fullPage: true, animations: "disabled" });

  // The report deep-links, and so does the run (?job=).
  await expect(page).toHaveURL(/[?&]job=/);
  await report.getByRole("link", { name: "Link to this report" }).click();
  await expect(page).toHaveURL(/\/analytics\/reports\/[^/]+$/);
  await expect(page.getByTestId("analytics-report").getByRole("heading", { name: "Service level", exact: true })).toBeVisible();
  await expect(page.getByTestId("trend-chart")).toBeVisible();
});

test("a planner reads turnover by category and the ABC-XYZ Pareto curve", async ({ page }) => {
  await page.goto("/analytics");
  await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();

  const turnover = await runReport(page, "Inventory turnover");
  await expect(turnover.getByTestId("category-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(turnover.getByTestId("category-table").locator("tbody tr").first()).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/analytics-turnover.png", fullPage: true, animations: "disabled" });

  const abc = await runReport(page, "ABC-XYZ");
  await expect(abc.getByTestId("pareto-chart").locator(".recharts-line").first()).toBeVisible();
  // Every product sits in one cell of the matrix.
  const matrix = abc.getByTestId("abc-xyz-matrix");
  const counts = (await matrix.locator("tbody td").allInnerTexts()).map(Number);
  const listed = await abc.getByTestId("product-table").locator("tbody tr").count();
  expect(counts.reduce((sum, count) => sum + count, 0)).toBe(listed);
  await page.screenshot({ path: "e2e/screenshots/analytics-abc-xyz.png", fullPage: true, animations: "disabled" });

  // The runs are listed under the form; opening an earlier one shows its report again.
  await page.getByTestId("recent-runs").getByRole("button", { name: /Inventory turnover/ }).first().click();
  await expect(page.getByTestId("analytics-report").getByRole("heading", { name: "Inventory turnover", exact: true })).toBeVisible();
});
