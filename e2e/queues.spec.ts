import { expect, test, type Locator } from "@playwright/test";
import { AUTH_FILES, BASE_URL, UNSERVED_QUEUE } from "./e2e-env";

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

  const unservedCard = page.getByTestId(`queue-${UNSERVED_QUEUE}`);
  await expect(unservedCard.getByRole("heading", { name: "Integration sync" })).toBeVisible();
  const before = await count(unservedCard, "waiting");

  // The suite's worker leaves this queue unserved, so added jobs wait and the count stays up.
  for (let index = 0; index < 2; index++) {
    const response = await page.request.post(`/api/v1/queues/${UNSERVED_QUEUE}/jobs`, {
      // A sync per integration at a time (deduplicated): one integration id each.
      data: { name: "e2e", data: { integrationId: `e2e-erp-${Date.now()}-${index}` } },
      headers: { origin: BASE_URL },
    });
    expect(response.status(), await response.text()).toBe(201);
  }

  await expect(unservedCard.getByTestId("count-waiting")).toHaveText(String(before + 2));
  await expect(unservedCard.getByText("No worker")).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/queues.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/queues-dark.png", fullPage: true, animations: "disabled" });
});

test("the overview shows rates, charts, workers, Redis and bull-board, and fits a tablet", async ({ page }) => {
  // Forecasts run by the suite's worker feed the metrics history the charts read. Seeded products
  // with sales history: other specs add products of their own (imports) that have none.
  const { products } = await (await page.request.get("/api/v1/products?search=bearing&limit=3")).json();
  expect(products).toHaveLength(3);
  const jobIds: string[] = [];
  for (const product of products as { id: string }[]) {
    const response = await page.request.post("/api/v1/forecasts", { data: { productId: product.id, horizon: 14, models: ["ma"] }, headers: { origin: BASE_URL } });
    expect(response.status(), await response.text()).toBe(201);
    jobIds.push((await response.json()).jobId);
  }
  for (const jobId of jobIds) {
    await expect.poll(async () => (await (await page.request.get(`/api/v1/queues/forecast/jobs/${jobId}`)).json()).state, { timeout: 30_000 }).toBe("completed");
  }

  await page.goto("/queues");
  const totals = page.getByTestId("queue-charts-all").getByTestId("charts-totals");
  await expect(totals).toContainText(/Last hour: [1-9][\d,]* completed/);
  await expect(page.getByTestId("charts-empty")).toHaveCount(0);
  // Other specs fail forecasts on purpose, so the rate is whatever the last hour holds: the card
  // shows the API's figure.
  const overview = (await (await page.request.get("/api/v1/queues")).json()) as { queues: { key: string; failureRate: number | null }[] };
  const failureRate = overview.queues.find((queue) => queue.key === "forecast")!.failureRate;
  expect(failureRate).not.toBeNull();
  await expect(page.getByTestId("queue-forecast").getByTestId("failure-rate")).toHaveText(`${(failureRate! * 100).toFixed(1)} %`);
  await expect(page.getByTestId("queue-grid").getByRole("region")).toHaveCount(7);
  const forecast = page.getByTestId("queue-forecast");
  await expect(forecast.getByTestId("rate-in-out")).toContainText("per min");
  await expect(forecast.getByTestId("drain-time")).toBeVisible();
  await expect(forecast.getByRole("link", { name: "Demand forecast" })).toHaveAttribute("href", "/queues/forecast");
  // Waiting jobs of the queue without a worker (one of this test's own: other specs empty it): an
  // oldest-waiting age and "not draining".
  const waiting = await page.request.post(`/api/v1/queues/${UNSERVED_QUEUE}/jobs`, { data: { name: "e2e", data: { integrationId: `e2e-oldest-${Date.now()}` } }, headers: { origin: BASE_URL } });
  expect(waiting.status(), await waiting.text()).toBe(201);
  const unservedCard = page.getByTestId(`queue-${UNSERVED_QUEUE}`);
  await expect(unservedCard.getByTestId("oldest-waiting")).not.toHaveText("—");
  await expect(unservedCard.getByTestId("drain-time")).toHaveText("not draining");
  await expect(page.getByTestId("workers-panel").getByText("Jobs waiting with no worker")).toBeVisible();
  await expect(page.getByTestId("workers-panel").getByTestId("worker-row").first()).toContainText("forecast (");
  await expect(page.getByTestId("redis-panel")).toContainText("Ops / s");
  await expect(page.getByTestId("queue-charts-all").getByTestId("throughput-chart")).toBeVisible();
  await expect(page.getByRole("link", { name: "Open bull-board" })).toHaveAttribute("href", "/admin/queues");

  // The range selector is a keyboard-operable radio group.
  const range = page.getByRole("radiogroup", { name: "Chart range" });
  await range.getByRole("radio", { name: "Hour" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(range.getByRole("radio", { name: "Day" })).toHaveAttribute("aria-checked", "true");
  await expect(page.getByTestId("queue-charts-all").getByTestId("charts-totals")).toContainText("Last day");
  await range.getByRole("radio", { name: "Hour" }).click();

  await page.screenshot({ path: "e2e/screenshots/overview.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/overview-dark.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 768, height: 1024 });
  await expect(page.getByTestId("queue-grid").getByRole("region")).toHaveCount(7);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/overview-tablet.png", fullPage: true, animations: "disabled" });
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
