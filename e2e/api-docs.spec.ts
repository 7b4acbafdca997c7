import { expect, test } from "@playwright/test";
import { AUTH_FILES } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner });

test("the API reference page shows the generated document: an operation with its access, body and errors, and a queue's job data", async ({ page }, testInfo) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API" }).click();
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();

  // The generic enqueue, found through the operations index.
  await page.getByRole("navigation", { name: "Operations" }).getByRole("link", { name: "/queues/{queueKey}/jobs", exact: true }).first().click();
  const enqueue = page.locator("#postQueuesQueueKeyJobs");
  await expect(enqueue.getByRole("heading", { level: 3 })).toContainText("POST");
  await expect(enqueue.getByRole("heading", { level: 3 })).toContainText("/api/v1/queues/{queueKey}/jobs");
  await expect(enqueue).toContainText("Add a job to a queue, validated against the job catalogue");
  await expect(enqueue).toContainText("session cookie or API key");
  await expect(enqueue.getByRole("table", { name: "Parameters of POST /api/v1/queues/{queueKey}/jobs" })).toContainText("idempotency-key");
  const body = enqueue.getByRole("table", { name: "Body of POST /api/v1/queues/{queueKey}/jobs" });
  await expect(body.getByRole("rowheader", { name: "options.priority" })).toBeVisible();
  await expect(enqueue.getByRole("listitem").filter({ hasText: "422" })).toContainText("unprocessable-entity");

  // From the body's `data` to the forecast queue's job data, by its link.
  await body.getByRole("link", { name: "ForecastJobData" }).click();
  await expect(page).toHaveURL(/#schema-ForecastJobData$/);
  const forecast = page.locator("#queue-forecast");
  await expect(forecast.getByRole("heading", { name: /Demand forecast/ })).toBeVisible();
  const payload = forecast.getByRole("table", { name: "Demand forecast job data" });
  const horizon = payload.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "horizon", exact: true }) });
  await expect(horizon).toContainText("integer");
  await expect(horizon).toContainText("≤ 365");
  await expect(forecast.getByRole("table", { name: "Demand forecast result" }).getByRole("rowheader", { name: "accuracy", exact: true })).toBeVisible();

  // An admin-only operation says so.
  await expect(page.locator("#postQueuesQueueKeyPause")).toContainText("role ADMIN");

  // Through the anchors, so the sticky header does not cover what is shown.
  await page.goto("/api-docs#postQueuesQueueKeyJobs");
  await expect(enqueue).toBeInViewport();
  await page.screenshot({ path: testInfo.outputPath("api-docs-enqueue.png") });
  await page.goto("/api-docs#queue-forecast");
  await expect(forecast).toBeInViewport();
  await page.screenshot({ path: testInfo.outputPath("api-docs-forecast.png") });
});

test("the document itself is served as JSON without credentials", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const response = await anonymous.get("/api/v1/openapi.json");
  expect(response.status()).toBe(200);
  const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  expect(document.openapi).toBe("3.1.0");
  expect(Object.keys(document.paths["/api/v1/queues/{queueKey}/jobs"]!)).toEqual(expect.arrayContaining(["get", "post"]));
  await anonymous.dispose();
});
