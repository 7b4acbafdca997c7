import { expect, test, type Locator } from "@playwright/test";
import { AUTH_FILES, BASE_URL } from "./e2e-env";

test.use({ storageState: AUTH_FILES.admin });

async function count(card: Locator, state: string): Promise<number> {
  return Number((await card.getByTestId(`count-${state}`).innerText()).replace(/,/g, ""));
}

test("an admin sees queue counts change live, without a reload", async ({ page }) => {
  await page.goto("/queues");
  await expect(page.getByRole("heading", { name: "Queues", level: 1 })).toBeVisible();
  await expect(page.getByTestId("queue-grid").getByRole("region")).toHaveCount(7);
  // The suite's worker reports itself through Redis and serves the forecast queue.
  await expect(page.getByTestId("health-strip")).toContainText(/Workers.*[1-9]\d* process/);
  await expect(page.getByTestId("queue-forecast")).toContainText(/[1-9]\d* workers?\b/);

  const exportCard = page.getByTestId("queue-export");
  await expect(exportCard.getByRole("heading", { name: "Data export" })).toBeVisible();
  const before = await count(exportCard, "waiting");

  // The export queue has no processor yet, so added jobs wait and the count stays up.
  for (let index = 0; index < 2; index++) {
    const response = await page.request.post("/api/v1/queues/export/jobs", {
      data: { name: "e2e", data: { kind: "products", format: "csv" } },
      headers: { origin: BASE_URL },
    });
    expect(response.status(), await response.text()).toBe(201);
  }

  await expect(exportCard.getByTestId("count-waiting")).toHaveText(String(before + 2));
  await expect(exportCard.getByText("No worker")).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/queues.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/queues-dark.png", fullPage: true, animations: "disabled" });
});

test("the queue page fits a phone screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/queues");
  await expect(page.getByTestId("queue-grid").getByRole("region")).toHaveCount(7);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/queues-mobile.png", animations: "disabled" });
});

test("a Redis outage is a banner, not a crash", async ({ page }) => {
  await page.goto("/queues");
  await expect(page.getByTestId("queue-grid").getByRole("region")).toHaveCount(7);
  // From now on the API answers as it does when Redis is down.
  await page.route("**/api/v1/queues", (route) =>
    route.fulfill({
      status: 503,
      json: { error: { code: "service-unavailable", message: "Redis is unavailable; the job system cannot be reached. Try again shortly.", details: [] } },
    }),
  );
  const banner = page.getByRole("alert").filter({ hasText: "Queue counts are not updating" });
  await expect(banner).toContainText("Redis is unavailable");
  // The last counts received stay on screen.
  await expect(page.getByTestId("queue-grid").getByRole("region")).toHaveCount(7);
  await page.screenshot({ path: "e2e/screenshots/queues-outage.png", animations: "disabled" });
  await page.unroute("**/api/v1/queues");
  await expect(banner).toHaveCount(0, { timeout: 10_000 });
});
