import { expect, test } from "@playwright/test";
import { AUTH_FILES } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner });

const STEP_MESSAGES = [
  "Loading historical data",
  "Preprocessing data",
  "Running forecast models",
  "Calculating ensemble",
  "Calculating accuracy",
  "Saving results",
  "Complete",
];

test("a planner runs a forecast and sees live progress, the chart and the accuracy table", async ({ page }) => {
  // Every step message that reaches the browser over SSE. React may paint several quick steps as
  // one, so the page's own text alone cannot show that progress arrived live.
  await page.addInitScript(() => {
    const received: string[] = [];
    (window as unknown as { __streamed: string[] }).__streamed = received;
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        for (const type of ["job:progress", "job:complete"]) {
          this.addEventListener(type, (event) => received.push((JSON.parse((event as MessageEvent<string>).data) as { message: string }).message));
        }
      }
    };
  });
  await page.goto("/forecasts");
  await expect(page.getByRole("heading", { name: "Demand forecasts" })).toBeVisible();
  // The live stream must be up before launching, or the test would pass on polling alone.
  await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();

  // Every step message the page shows, recorded as it happens (a fast run can pass them in a blink).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __steps: string[] }).__steps = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="progress-message"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  const picker = page.getByRole("form", { name: "New forecast" }).getByRole("combobox", { name: "Product" });
  await picker.fill("bearing");
  const option = page.getByRole("option", { name: /Ball Bearing 6204 BEA-/ });
  await expect(option).toBeVisible();
  await option.click();
  await expect(picker).toHaveValue(/Ball Bearing 6204 \(BEA-\d+\)/);

  await page.getByRole("form", { name: "New forecast" }).getByLabel("Horizon (days)").fill("30");
  await page.getByRole("button", { name: "Run forecast", exact: true }).click();

  const progress = page.getByRole("progressbar", { name: "Forecast progress" });
  await expect(progress).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/forecasts-running.png", animations: "disabled" });
  await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  await expect(page.getByTestId("progress-message")).toHaveText("Complete");
  await expect(page.getByTestId("progress-percent")).toHaveText("100%");
  await expect(page).toHaveURL(/\?job=/);
  // The catalogue's steps, every one ticked off.
  const runSteps = page.getByTestId("run-steps").getByRole("listitem");
  await expect(runSteps).toHaveText(STEP_MESSAGES.map((message) => new RegExp(`^${message}`)));
  await expect(runSteps.and(page.locator('[data-state="done"]'))).toHaveCount(STEP_MESSAGES.length);

  // Chart: history plus ensemble plus one line per model.
  const chart = page.getByTestId("forecast-chart");
  // The chart draws once its container has been measured; give a slow dev server some slack.
  await expect(chart.locator(".recharts-line")).toHaveCount(6, { timeout: 20_000 });
  await expect(page.getByRole("heading", { name: /Demand forecast — Ball Bearing 6204/ })).toBeVisible();

  const table = page.getByTestId("accuracy-table");
  for (const row of ["Moving average", "Linear regression", "Exponential smoothing", "Seasonal", "Ensemble", "Seasonal naive"]) {
    await expect(table.getByRole("rowheader", { name: new RegExp(`^${row}( Best)?$`) })).toBeVisible();
  }
  await expect(table.getByRole("cell", { name: /\d+\.\d %/ }).first()).toBeVisible();

  // A model line can be switched off and on.
  const toggle = page.getByTestId("chart-toggles").getByRole("checkbox", { name: "Moving average" });
  await toggle.uncheck();
  await expect(chart.locator(".recharts-line")).toHaveCount(5);
  await toggle.check();
  await expect(chart.locator(".recharts-line")).toHaveCount(6);

  const steps = await page.evaluate(() => (window as unknown as { __steps: string[] }).__steps);
  expect(steps.at(-1)).toBe("Complete");
  // Every documented step reached the browser live, in order ("Complete" comes as the last progress
  // step and again with job:complete).
  const streamed = await page.evaluate(() => (window as unknown as { __streamed: string[] }).__streamed);
  expect([...new Set(streamed.filter((message) => STEP_MESSAGES.includes(message)))]).toEqual(STEP_MESSAGES);
  test.info().annotations.push({ type: "steps seen", description: steps.join(" → ") });
  console.log(`steps seen: ${steps.join(" → ")}`);

  // The run is listed under recent runs as completed, and reopening it shows the forecast.
  const recent = page.getByTestId("recent-runs");
  await expect(recent.getByRole("button").first()).toContainText("Completed");

  await page.screenshot({ path: "e2e/screenshots/forecasts.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/forecasts-dark.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "light" });
  // Tablet width: the run and its result stack under the form, nothing wider than the screen.
  await page.setViewportSize({ width: 768, height: 1024 });
  await expect(chart.locator(".recharts-line")).toHaveCount(6);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/forecasts-tablet.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/forecasts-tablet-dark.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.reload();
  await expect(page.getByTestId("progress-percent")).toHaveText("100%");
  await expect(chart.locator(".recharts-line")).toHaveCount(6);
});

test("a bad horizon is explained next to the field", async ({ page }) => {
  await page.goto("/forecasts");
  await page.getByRole("form", { name: "New forecast" }).getByLabel("Horizon (days)").fill("400");
  await page.getByRole("button", { name: "Run forecast", exact: true }).click();
  await expect(page.getByText("Choose a product.")).toBeVisible();
  await expect(page.getByText("Enter a whole number of days from 1 to 365.")).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/forecasts-validation.png", animations: "disabled" });
});

test("a failed run shows its reason and a retry that works", async ({ page }) => {
  // The API's answers are stubbed: making a real forecast fail on demand is the worker's business.
  const jobId = "e2e-failed-run";
  let retried = false;
  const status = (state: string) => ({
    id: jobId,
    queue: "forecast",
    name: "forecast:BEA-00002",
    state,
    progress: state === "failed" ? 20 : 0,
    progressMessage: state === "failed" ? "Preprocessing data" : null,
    data: { productId: "p1", horizon: 30, models: ["all"] },
    result: null,
    failedReason: state === "failed" ? "Product BEA-00002 has 10 days of sales history; a forecast needs at least 14" : null,
    stacktrace: [],
    attemptsMade: state === "failed" ? 3 : 0,
    attempts: 3,
    priority: 5,
    ownerId: null,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: state === "failed" ? new Date().toISOString() : null,
    source: "redis",
  });
  await page.route(`**/api/v1/queues/forecast/jobs/${jobId}`, (route) => route.fulfill({ json: status(retried ? "waiting" : "failed") }));
  await page.route(`**/api/v1/queues/forecast/jobs/${jobId}/retry`, (route) => {
    retried = true;
    return route.fulfill({ json: { jobId, state: "waiting" } });
  });

  await page.goto(`/forecasts?job=${jobId}`);
  const alert = page.getByRole("alert").filter({ hasText: "The forecast failed" });
  await expect(alert).toContainText("a forecast needs at least 14");
  await expect(alert).toContainText("After 3 attempts.");
  // The step it stopped at is marked; the ones before it are done.
  const steps = page.getByTestId("run-steps").getByRole("listitem");
  await expect(steps.nth(0)).toHaveAttribute("data-state", "done");
  await expect(steps.nth(1)).toHaveAttribute("data-state", "failed");
  await expect(steps.nth(1)).toContainText("Preprocessing data, stopped here");
  await page.screenshot({ path: "e2e/screenshots/forecasts-failed.png", animations: "disabled" });
  await alert.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByTestId("progress-message")).toHaveText("Waiting for a worker");
  expect(retried).toBe(true);
});

test("a queued run can be cancelled from its panel, after confirming", async ({ page }) => {
  // Stubbed like the failed run: a run that stays queued on demand is the worker's business.
  const jobId = "e2e-queued-run";
  let cancelled = false;
  const status = () => ({
    id: jobId,
    queue: "forecast",
    name: "forecast:BEA-00003",
    state: cancelled ? "cancelled" : "waiting",
    progress: 0,
    progressMessage: null,
    data: { productId: "p1", horizon: 14, models: ["ma", "linear"] },
    result: null,
    failedReason: cancelled ? "Cancelled by Pat Planner" : null,
    stacktrace: [],
    attemptsMade: 0,
    attempts: 3,
    priority: 5,
    ownerId: null,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: cancelled ? new Date().toISOString() : null,
    source: "redis",
  });
  await page.route(`**/api/v1/queues/forecast/jobs/${jobId}`, (route) => route.fulfill({ json: status() }));
  await page.route(`**/api/v1/queues/forecast/jobs/${jobId}/cancel`, (route) => {
    cancelled = true;
    return route.fulfill({ json: { jobId, state: "cancelled" } });
  });

  await page.goto(`/forecasts?job=${jobId}`);
  const run = page.getByRole("region", { name: /Forecast run/ });
  await expect(run).toContainText("14-day horizon · Moving average, Linear regression");
  await expect(page.getByTestId("progress-message")).toHaveText("Waiting for a worker");
  await expect(page.getByTestId("run-steps").locator('[data-state="pending"]')).toHaveCount(STEP_MESSAGES.length);

  const cancel = run.getByRole("button", { name: "Cancel run" });
  await cancel.click();
  const dialog = page.getByRole("dialog", { name: "Cancel this forecast?" });
  await dialog.getByRole("button", { name: "Keep it" }).click();
  await expect(dialog).toBeHidden();
  await expect(cancel).toBeFocused();
  expect(cancelled).toBe(false);

  await cancel.click();
  await dialog.getByRole("button", { name: "Cancel run" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "The forecast was cancelled" })).toContainText("Cancelled by Pat Planner");
  await expect(run.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
  expect(cancelled).toBe(true);
});

test("the forecasts page fits a phone screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/forecasts");
  await expect(page.getByRole("button", { name: "Run forecast", exact: true })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/forecasts-mobile.png", fullPage: true, animations: "disabled" });
});
