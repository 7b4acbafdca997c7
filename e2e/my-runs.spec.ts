import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { demoOrganization } from "../lib/demo/demo-users";
import { AUTH_FILES, BASE_URL, E2E_DATABASE_URL } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner });

async function launchForecast(page: Page): Promise<string> {
  const products = await page.request.get("/api/v1/products?search=bearing&limit=1");
  expect(products.status()).toBe(200);
  const [product] = ((await products.json()) as { products: { id: string }[] }).products;
  const response = await page.request.post("/api/v1/forecasts", { data: { productId: product!.id, horizon: 14, models: ["all"] }, headers: { origin: BASE_URL } });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { jobId: string }).jobId;
}

/** A product of the demo planner's organisation with three days of sales, straight in the e2e database. */
async function createThinProduct(sku: string): Promise<string> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    const id = `c${randomBytes(12).toString("hex")}`;
    const organizationId = demoOrganization("northwind").id;
    await client.query(`INSERT INTO "Product" ("id", "organizationId", "sku", "name", "category", "unitCost") VALUES ($1, $2, $3, 'Thin history', 'e2e', 4.5)`, [id, organizationId, sku]);
    await client.query(
      `INSERT INTO "SalesDaily" ("organizationId", "productId", "date", "quantity") SELECT $2, $1, (DATE '2026-10-31' - g), 10 FROM generate_series(0, 2) g`,
      [id, organizationId],
    );
    return id;
  } finally {
    await client.end();
  }
}

test("a planner's forecast shows up in My runs and in the bell, live", async ({ page }) => {
  // Start from a bell with nothing unread.
  const cleared = await page.request.post("/api/v1/notifications/read", { data: { all: true }, headers: { origin: BASE_URL } });
  expect(cleared.status()).toBe(200);

  await page.goto("/my-runs");
  await expect(page.getByRole("heading", { name: "My runs", level: 1 })).toBeVisible();
  await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();
  const bell = page.getByTestId("notification-bell");
  await expect(bell).toHaveAccessibleName("Notifications");

  const jobId = await launchForecast(page);
  const row = page.locator(`[data-testid="run-row"][data-job-id="${jobId}"]`);
  // Listed without a reload, and completed live.
  await expect(row).toBeVisible();
  await expect(row).toContainText("Completed", { timeout: 60_000 });
  await expect(row.getByRole("link", { name: "View forecast" })).toHaveAttribute("href", `/forecasts?job=${jobId}`);
  await expect(row.getByRole("link", { name: /BEA-/ })).toHaveAttribute("href", `/queues/forecast/jobs/${jobId}`);

  // The bell counts the finished job, still without a reload.
  await expect(page.getByTestId("notification-count")).toHaveText("1", { timeout: 20_000 });
  await expect(bell).toHaveAccessibleName("Notifications, 1 unread");

  // Keyboard: the panel opens, Esc closes it and focus returns to the bell.
  await bell.focus();
  await page.keyboard.press("Enter");
  const panel = page.getByRole("dialog", { name: "Notifications" });
  await expect(panel).toBeVisible();
  const item = panel.getByTestId("notification-item").first();
  await expect(item).toContainText("Demand forecast completed");
  await expect(item).toHaveAttribute("data-unread", "true");
  await page.screenshot({ path: "e2e/screenshots/notifications.png", animations: "disabled" });
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(bell).toBeFocused();

  // Mark all read clears the count.
  await bell.click();
  await panel.getByRole("button", { name: "Mark all read" }).click();
  await expect(page.getByTestId("notification-count")).toBeHidden();
  await expect(bell).toHaveAccessibleName("Notifications");
  await expect(panel.getByTestId("notification-item").first()).toHaveAttribute("data-unread", "false");
  await page.reload();
  await expect(page.getByTestId("notification-bell")).toHaveAccessibleName("Notifications");
});

test("a waiting job is estimated from past runs of the same job", async ({ page, browser }) => {
  await page.goto("/my-runs");
  await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();
  // Three completed runs of the same forecast make a history (the first test left one).
  for (let run = 0; run < 2; run++) {
    const jobId = await launchForecast(page);
    await expect(page.locator(`[data-testid="run-row"][data-job-id="${jobId}"]`)).toContainText("Completed", { timeout: 60_000 });
  }
  // With the queue paused, the next one waits: its estimate is its usual run time, once started.
  const admin = await browser.newContext({ storageState: AUTH_FILES.admin, baseURL: BASE_URL });
  const pause = await admin.request.post("/api/v1/queues/forecast/pause", { headers: { origin: BASE_URL } });
  expect(pause.status()).toBe(200);
  try {
    const jobId = await launchForecast(page);
    // A waiting job sends no events; opening the page lists it.
    await page.reload();
    const row = page.locator(`[data-testid="run-row"][data-job-id="${jobId}"]`);
    await expect(row).toContainText("Queued");
    await expect(row.getByTestId("run-eta")).toContainText(/~\d+ (s|min) once started/);
    // Other specs may have completed the same forecast before: at least the three made here count.
    await expect(row.getByTestId("run-eta")).toContainText(/median of the last ([3-9]|\d{2,}) completed runs of this job/);
    await page.screenshot({ path: "e2e/screenshots/my-runs.png", fullPage: true, animations: "disabled" });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: "e2e/screenshots/my-runs-dark.png", fullPage: true, animations: "disabled" });
    await page.emulateMedia({ colorScheme: "light" });
  } finally {
    await admin.request.post("/api/v1/queues/forecast/resume", { headers: { origin: BASE_URL } });
    await admin.close();
  }
});

test("a failed run says why, tells the bell, and can be retried from the list", async ({ page }) => {
  await page.request.post("/api/v1/notifications/read", { data: { all: true }, headers: { origin: BASE_URL } });
  await page.goto("/my-runs");
  await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();
  // A product that does not exist is refused at launch, naming the field.
  const refused = await page.request.post("/api/v1/queues/forecast/jobs", {
    data: { name: "forecast:GONE-1", data: { productId: "no-such-product", horizon: 7 } },
    headers: { origin: BASE_URL },
  });
  expect(refused.status()).toBe(422);
  expect(((await refused.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe("body.data.productId");
  // The processor refuses a product with too little history for good (no retries), so the run fails at once.
  const sku = `THIN-${randomBytes(3).toString("hex").toUpperCase()}`;
  const productId = await createThinProduct(sku);
  const added = await page.request.post("/api/v1/queues/forecast/jobs", {
    data: { name: `forecast:${sku}`, data: { productId, horizon: 7 } },
    headers: { origin: BASE_URL },
  });
  expect(added.status(), await added.text()).toBe(201);
  const jobId = ((await added.json()) as { jobId: string }).jobId;
  const row = page.locator(`[data-testid="run-row"][data-job-id="${jobId}"]`);
  await expect(row).toContainText("Failed", { timeout: 30_000 });
  await expect(row).toContainText(`Product ${sku} has 3 days of sales history`);
  await expect(page.getByTestId("notification-count")).toHaveText("1");

  const retried = page.waitForResponse((response) => response.url().endsWith(`/jobs/${jobId}/retry`) && response.request().method() === "POST");
  await row.getByRole("button", { name: `Retry ${sku}` }).click();
  expect((await retried).status()).toBe(200);
  // It ran again and failed again: a second notification, and the row settles on Failed.
  await expect(page.getByTestId("notification-count")).toHaveText("2", { timeout: 30_000 });
  await expect(row).toContainText("Failed");
  await page.getByTestId("notification-bell").click();
  await expect(page.getByRole("dialog", { name: "Notifications" }).getByTestId("notification-item").first()).toContainText("Demand forecast failed");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/notifications-dark.png", animations: "disabled" });
  await page.emulateMedia({ colorScheme: "light" });
  await page.getByRole("dialog", { name: "Notifications" }).getByRole("button", { name: "Mark all read" }).click();
  await expect(page.getByTestId("notification-count")).toBeHidden();
});

test("filters live in the URL and survive a reload", async ({ page }) => {
  await page.goto("/my-runs");
  await page.getByLabel("Queue").selectOption("forecast");
  await page.getByLabel("State").selectOption("completed");
  await expect(page).toHaveURL(/\/my-runs\?queue=forecast&state=completed$/);
  const rows = page.getByTestId("run-row");
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) await expect(row).toContainText("Completed");

  await page.reload();
  await expect(page.getByLabel("Queue")).toHaveValue("forecast");
  await expect(page.getByLabel("State")).toHaveValue("completed");

  await page.goto("/my-runs?state=cancelled&queue=import");
  await expect(page.getByText("No runs match these filters")).toBeVisible();
  await page.getByRole("button", { name: "Show all runs" }).click();
  await expect(page).toHaveURL(/\/my-runs$/);
});

test("a planner sees none of another user's runs", async ({ page, browser }) => {
  const admin = await browser.newContext({ storageState: AUTH_FILES.admin, baseURL: BASE_URL });
  const added = await admin.request.post("/api/v1/queues/export/jobs", { data: { name: "admin-only-export", data: { entity: "products", format: "csv" } }, headers: { origin: BASE_URL } });
  expect(added.status()).toBe(201);
  await admin.close();
  await page.goto("/my-runs?queue=export");
  await expect(page.getByText("admin-only-export")).toHaveCount(0);
  const api = await page.request.get("/api/v1/jobs?queue=export&mine=0&limit=100");
  const names = ((await api.json()) as { jobs: { name: string }[] }).jobs.map((job) => job.name);
  expect(names).not.toContain("admin-only-export");
});

test("My runs fits a tablet", async ({ page }) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto("/my-runs");
  await expect(page.getByTestId("run-row").first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/my-runs-tablet.png", fullPage: true, animations: "disabled" });
});
