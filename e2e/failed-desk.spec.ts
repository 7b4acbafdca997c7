import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import pg from "pg";
import { AUTH_FILES, BASE_URL, E2E_DATABASE_URL } from "./e2e-env";
import { demoOrganization } from "../lib/demo/demo-users";
import { normaliseFailure } from "../lib/jobs/failure-fingerprint";

test.use({ storageState: AUTH_FILES.admin });

const SAME_ORIGIN = { origin: BASE_URL };
const DEMO_PLANNER_ORGANIZATION = demoOrganization("northwind").id;

/** An id shaped like the app's (cuid), so the desk normalises it to <id>. */
const fakeProductId = () => `c${randomBytes(16).toString("hex").slice(0, 24)}`;

async function launchForecast(request: APIRequestContext, productId: string): Promise<string> {
  const response = await request.post("/api/v1/queues/forecast/jobs", { data: { name: "forecast", data: { productId, horizon: 14, models: ["all"] } }, headers: SAME_ORIGIN });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { jobId: string }).jobId;
}

async function jobState(request: APIRequestContext, jobId: string): Promise<string> {
  // A kept-alive connection the server closed as the request went out resets; the poll asks again.
  const response = await request.get(`/api/v1/queues/forecast/jobs/${jobId}`).catch((error: Error) => {
    if (/ECONNRESET|socket hang up/.test(error.message)) return null;
    throw error;
  });
  return response ? ((await response.json()) as { state: string }).state : "unknown (connection reset)";
}

async function allInState(request: APIRequestContext, jobIds: string[], state: string) {
  await expect.poll(async () => (await Promise.all(jobIds.map((id) => jobState(request, id)))).every((current) => current === state), { timeout: 60_000 }).toBe(true);
}

let sequence = 0;

/** A numeric SKU suffix, as real SKUs have: the desk normalises it, so these failures group together. */
const nextSku = () => `E2E-SKU-${Date.now()}${++sequence}`;

/** Products created straight in the e2e database, with `days` of sales each. */
async function createProducts(ids: string[], days: number) {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    for (const id of ids) {
      // In the demo planner's organisation, whose forecasts these are.
      await client.query(
        `INSERT INTO "Product" ("id", "organizationId", "sku", "name", "category", "unitCost") VALUES ($1, $2, $3, 'E2E restored product', 'e2e', 9.5)`,
        [id, DEMO_PLANNER_ORGANIZATION, nextSku()],
      );
    }
  } finally {
    await client.end();
  }
  await addSales(ids, days);
}

/** `days` of daily sales up to 2026-10-31 for each product (days it already has are kept): the "fix" an admin makes before retrying. */
async function addSales(ids: string[], days: number) {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    for (const id of ids) {
      await client.query(
        `INSERT INTO "SalesDaily" ("organizationId", "productId", "date", "quantity")
         SELECT $3, $1, (DATE '2026-10-31' - g), 20 + (g % 7) * 3 FROM generate_series(0, $2 - 1) g
         ON CONFLICT DO NOTHING`,
        [id, days, DEMO_PLANNER_ORGANIZATION],
      );
    }
  } finally {
    await client.end();
  }
}

/** Full-page screenshot from the top (the sticky header would otherwise cover the scrolled-to part). */
async function shoot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true, animations: "disabled" });
}

async function groupRow(page: Page, pattern: string) {
  return page.getByTestId("failure-group").filter({ has: page.getByRole("link", { name: pattern, exact: true }) });
}

test("an admin finds a failure group, fixes the cause, bulk-retries the whole group and watches it finish", async ({ page }) => {
  // Twelve forecasts for products with too little history: each fails at once, for good
  // (UnrecoverableError). A product that does not exist is refused at launch, so cannot fail here.
  const productIds = Array.from({ length: 12 }, fakeProductId);
  await createProducts(productIds, 5);
  const jobIds: string[] = [];
  for (const id of productIds) jobIds.push(await launchForecast(page.request, id));
  await allInState(page.request, jobIds, "failed");

  await page.goto("/failed");
  await expect(page.getByRole("heading", { name: "Failed jobs", level: 1 })).toBeVisible();
  const pattern = normaliseFailure(`Product ${nextSku()} has 5 days of sales history; a forecast needs at least 14`);
  const row = await groupRow(page, pattern);
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("group-count")).toHaveText("12");
  // Samples link to the job pages.
  await expect(row.getByRole("link", { name: /^Job / })).toHaveCount(3);
  const fingerprint = await row.getAttribute("data-fingerprint");

  // Filters live in the URL.
  await page.getByLabel("Queue").selectOption("forecast");
  await expect(page).toHaveURL(/queue=forecast/);
  await page.getByLabel("Search").fill("sales history");
  await expect(page).toHaveURL(/q=sales\+history|q=sales%20history/);
  await expect(row).toHaveCount(1);
  await shoot(page, "failed-desk");
  await page.emulateMedia({ colorScheme: "dark" });
  await shoot(page, "failed-desk-dark");
  await page.emulateMedia({ colorScheme: "light" });
  // Tablet width: the table scrolls sideways inside its card, the filters stack.
  await page.setViewportSize({ width: 768, height: 1024 });
  await shoot(page, "failed-desk-tablet");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByLabel("Search").fill("no such failure anywhere");
  await expect(page.getByText("No failure groups match this filter")).toBeVisible();
  await page.getByLabel("Search").fill("");
  await page.getByLabel("Queue").selectOption("");

  await (await groupRow(page, pattern)).getByRole("link", { name: pattern }).click();
  await expect(page).toHaveURL(`/failed/${fingerprint}`);
  await expect(page.getByTestId("group-job-count")).toHaveText("12");
  await expect(page.getByTestId("group-jobs").locator("tbody tr")).toHaveCount(12);

  // "Retry selected": the dialog counts the two selected jobs; Esc closes it without running anything.
  await page.getByLabel(`Select job ${jobIds[0]}`).check();
  await page.getByLabel(`Select job ${jobIds[1]}`).check();
  await page.getByRole("button", { name: "Retry selected (2)" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("bulk-preview-count")).toHaveText("2");
  // The modal dialog takes focus (the rest of the page is inert) and gives it back on close.
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: "Retry selected (2)" })).toBeFocused();
  await shoot(page, "failed-group");
  await page.emulateMedia({ colorScheme: "dark" });
  await shoot(page, "failed-group-dark");
  await page.emulateMedia({ colorScheme: "light" });

  // The cause is fixed (the products now have enough history), then the whole group is retried.
  await addSales(productIds, 60);
  await page.getByRole("button", { name: "Retry all 12" }).click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("heading", { name: "Retry all 12 jobs of this group" })).toBeVisible();
  await expect(dialog.getByTestId("bulk-preview")).toContainText("This will retry 12 jobs in the forecast queue.");
  await page.screenshot({ path: "e2e/screenshots/failed-group-confirm.png", animations: "disabled" });
  await dialog.getByRole("button", { name: "Retry 12 jobs" }).click();
  await expect(dialog).toBeHidden();

  // Progress runs in the worker and reaches done; the group empties as its jobs complete.
  const progress = page.getByTestId("bulk-progress").first();
  await expect(progress).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(progress.getByTestId("bulk-counts")).toContainText("12 of 12 processed (100 %) · 12 retried");
  await expect(progress.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByText("No failed jobs in this group")).toBeVisible();
  await shoot(page, "failed-group-done");
  await allInState(page.request, jobIds, "completed");

  await page.goto("/failed");
  await expect(page.getByTestId("bulk-progress").first()).toContainText("Retry 12 jobs (failure group)");
  await expect(await groupRow(page, pattern)).toHaveCount(0);

  // The audit log has the action, with who and how many.
  const audit = await page.request.get("/api/v1/audit?action=jobs.bulk-retry&limit=5");
  expect(audit.status()).toBe(200);
  const entries = JSON.stringify(await audit.json());
  expect(entries).toContain(`forecast/group/${fingerprint}`);
});

test("an admin removes a whole failure group after confirming the count", async ({ page }) => {
  // Products with too little history: the forecast refuses them for good.
  const productIds = Array.from({ length: 3 }, fakeProductId);
  await createProducts(productIds, 5);
  const jobIds: string[] = [];
  for (const id of productIds) jobIds.push(await launchForecast(page.request, id));
  await allInState(page.request, jobIds, "failed");

  await page.goto("/failed?q=days+of+sales+history");
  const row = page.getByTestId("failure-group");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("group-count")).toHaveText("3");
  await row.getByRole("link").first().click();
  await page.getByRole("button", { name: "Remove all 3" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("bulk-preview-count")).toHaveText("3");
  await dialog.getByRole("button", { name: "Remove 3 jobs" }).click();
  await expect(page.getByTestId("bulk-progress").first()).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(page.getByText("No failed jobs in this group")).toBeVisible();
  await page.goto("/failed?q=days+of+sales+history");
  await expect(page.getByText("No failure groups match this filter")).toBeVisible();
});

test("a planner is refused the desk and its API", async ({ browser }) => {
  const context = await browser.newContext({ storageState: AUTH_FILES.planner });
  const page = await context.newPage();
  const response = await page.goto("/failed");
  expect(response?.status()).toBe(403);
  expect((await page.request.get("/api/v1/failed-groups")).status()).toBe(403);
  expect((await page.request.post("/api/v1/bulk-actions", { data: { action: "retry", target: { fingerprint: "0123456789abcdef0123" } }, headers: SAME_ORIGIN })).status()).toBe(403);
  await context.close();
});
