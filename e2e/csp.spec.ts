import { expect, test, type Page } from "@playwright/test";
import { AUTH_FILES } from "./e2e-env";

/**
 * The pages run under the Content-Security-Policy of next.config.mjs without the browser blocking
 * anything: Chromium reports each blocked script, style, image or request as a console error.
 */
function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

test.describe("planners", () => {
  test.use({ storageState: AUTH_FILES.planner });

  test("/forecasts renders with no CSP violation", async ({ page }) => {
    const violations = cspViolations(page);
    await page.goto("/forecasts");
    await expect(page.getByRole("heading", { name: "Demand forecasts" })).toBeVisible();
    await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();
    expect(violations).toEqual([]);
  });
});

test.describe("admins", () => {
  test.use({ storageState: AUTH_FILES.admin });

  test("/queues and bull-board render with no CSP violation", async ({ page }) => {
    const violations = cspViolations(page);
    await page.goto("/queues");
    await expect(page.getByText("Demand forecast", { exact: true }).first()).toBeVisible();
    await page.goto("/admin/queues");
    await expect(page).toHaveTitle("CapLiquify queues");
    await expect(page.getByText("Demand forecast", { exact: true }).first()).toBeVisible();
    await page.goto("/admin/queues/queue/forecast-queue");
    await expect(page.getByText("Demand forecast", { exact: true }).first()).toBeVisible();
    expect(violations).toEqual([]);
  });
});
