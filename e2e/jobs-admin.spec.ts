import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { AUTH_FILES, BASE_URL, DEMO, UNSERVED_QUEUE } from "./e2e-env";
import { createTestWorker } from "./test-worker";

test.use({ storageState: AUTH_FILES.admin });

const SAME_ORIGIN = { origin: BASE_URL };

async function addJob(request: APIRequestContext, queue: string, data: unknown, options: Record<string, number> = {}, name = `e2e-${queue}`) {
  const response = await request.post(`/api/v1/queues/${queue}/jobs`, { data: { name, data, options }, headers: SAME_ORIGIN });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { jobId: string }).jobId;
}

/** Jobs that stay where they are put: the suite's worker leaves this queue unserved. */
const IDLE_QUEUE = UNSERVED_QUEUE;
let syncs = 0;
/** A sync of an integration of its own: the queue runs one sync per integration at a time (deduplicated). */
const syncOf = (name: string, dataTypes = ["orders"]) => ({ integrationId: `e2e-${name}-${Date.now()}-${syncs++}`, dataTypes });

/** Empties the idle queue's backlog (the tests above leave jobs there), so a worker started by a test takes that test's job first. */
async function clearIdleBacklog(request: APIRequestContext) {
  for (const type of ["prioritized", "wait", "delayed"]) {
    const response = await request.post(`/api/v1/queues/${IDLE_QUEUE}/clean`, { data: { type, grace: 0, limit: 100_000 }, headers: SAME_ORIGIN });
    expect(response.status(), await response.text()).toBe(200);
  }
}

async function jobState(request: APIRequestContext, queue: string, jobId: string): Promise<string> {
  const response = await request.get(`/api/v1/queues/${queue}/jobs/${jobId}/details`);
  return ((await response.json()) as { state: string }).state;
}

async function confirm(page: Page, name: string) {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name, exact: true }).click();
  await expect(dialog).toBeHidden();
}

test("an admin searches by SKU and opens the job page, then the queue's job list", async ({ page }) => {
  const products = await page.request.get("/api/v1/products?search=bearing&limit=1");
  const [product] = ((await products.json()) as { products: { id: string; sku: string; name: string }[] }).products;
  const launched = await page.request.post("/api/v1/forecasts", { data: { productId: product!.id, horizon: 14, models: ["all"] }, headers: SAME_ORIGIN });
  expect(launched.status(), await launched.text()).toBe(201);
  const jobId = ((await launched.json()) as { jobId: string }).jobId;
  await expect.poll(() => jobState(page.request, "forecast", jobId), { timeout: 60_000 }).toBe("completed");

  await page.goto("/jobs");
  await expect(page.getByRole("heading", { name: "Jobs", level: 1 })).toBeVisible();
  await page.getByLabel("Subject, job id or job name").fill(product!.sku);
  await page.getByLabel("State").selectOption("completed");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${product!.sku}.*state=completed`));
  const results = page.getByTestId("search-results");
  await expect(results.getByRole("row")).not.toHaveCount(1);
  const link = results.getByRole("link", { name: new RegExp(`open job ${jobId}`) });
  await expect(link).toBeVisible();
  for (const row of await results.getByRole("row").all()) {
    if ((await row.getByRole("cell").count()) > 0) await expect(row).toContainText(product!.sku);
  }
  await page.screenshot({ path: "e2e/screenshots/search.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/search-dark.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "light" });

  // The search survives a reload: it lives in the URL.
  await page.reload();
  await expect(page.getByLabel("Subject, job id or job name")).toHaveValue(product!.sku);
  await link.click();

  await expect(page).toHaveURL(`${BASE_URL}/queues/forecast/jobs/${jobId}`);
  await expect(page.getByTestId("job-state")).toHaveText("Completed");
  await expect(page.getByText(product!.sku).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "View forecast" })).toHaveAttribute("href", `/forecasts?job=${jobId}`);
  const timeline = page.getByTestId("job-timeline");
  for (const step of ["Created", "Attempt started", "Completed"]) await expect(timeline.getByText(step, { exact: true }).first()).toBeVisible();
  await expect(timeline.getByText("Loading historical data")).toBeVisible();
  await expect(page.getByRole("region", { name: "Return value" })).toContainText("forecastId");
  await page.screenshot({ path: "e2e/screenshots/job-page.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/job-page-dark.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "light" });

  // The queue page: state tabs with counts, the table, the pager; the state is in the URL.
  await page.goto("/queues/forecast?state=completed");
  await expect(page.getByRole("heading", { name: "Demand forecast", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: /Completed/ }).and(page.locator("[aria-current=page]"))).toBeVisible();
  await expect(page.getByTestId("queue-job-table").getByRole("link", { name: new RegExp(`open job ${jobId}`) })).toBeVisible();
  await page.getByTestId("state-tabs").getByRole("link", { name: /Failed/ }).click();
  await expect(page).toHaveURL(/state=failed/);
  await page.getByTestId("state-tabs").getByRole("link", { name: /Completed/ }).click();
  await expect(page.getByTestId("queue-job-table")).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/queue-jobs.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/queue-jobs-dark.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.reload();
  await expect(page.getByTestId("queue-job-table")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/queue-jobs-tablet.png", fullPage: true, animations: "disabled" });
});

test("an admin pages through waiting jobs with the URL", async ({ page }) => {
  for (let index = 0; index < 12; index++) await addJob(page.request, IDLE_QUEUE, syncOf("page"), { priority: 1 + (index % 10) });
  await page.goto(`/queues/${IDLE_QUEUE}?state=waiting&pageSize=10`);
  await expect(page.getByTestId("tab-count-waiting")).not.toHaveText("…");
  const total = Number((await page.getByTestId("tab-count-waiting").innerText()).replace(/,/g, ""));
  expect(total).toBeGreaterThanOrEqual(12);
  await expect(page.getByTestId("queue-job-table").locator("tbody tr")).toHaveCount(10);
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId("queue-job-table").locator("tbody tr")).toHaveCount(Math.min(10, total - 10));
});

test("an admin promotes a delayed job", async ({ page }) => {
  const jobId = await addJob(page.request, IDLE_QUEUE, syncOf("promote"), { delay: 3_600_000 });
  await page.goto(`/queues/${IDLE_QUEUE}/jobs/${jobId}`);
  await expect(page.getByTestId("job-state")).toHaveText("Delayed");
  await page.getByRole("button", { name: "Promote" }).click();
  await confirm(page, "Promote");
  await expect(page.getByTestId("job-state")).toHaveText("Queued");
  await expect(page.getByTestId("job-timeline")).toContainText(`Promoted by ${DEMO.admin.name}`);
  await expect(page.getByRole("button", { name: "Promote" })).toHaveCount(0);
});

test("an admin duplicates a job with edited data; bad data is named by its path", async ({ page }) => {
  const jobId = await addJob(page.request, IDLE_QUEUE, syncOf("original"));
  await page.goto(`/queues/${IDLE_QUEUE}/jobs/${jobId}`);
  await page.getByRole("button", { name: "Duplicate…" }).click();
  const dialog = page.getByRole("dialog", { name: "Duplicate job" });
  const editor = dialog.getByLabel("Job data (JSON)");
  await editor.fill(JSON.stringify(syncOf("copy", ["weekly-gossip"])));
  await dialog.getByRole("button", { name: "Add the copy" }).click();
  await expect(dialog.getByTestId("duplicate-data-errors")).toContainText("data.dataTypes");
  await expect(editor).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: "e2e/screenshots/job-duplicate.png", animations: "disabled" });

  await editor.fill(JSON.stringify(syncOf("copy", ["inventory"])));
  await dialog.getByLabel("Priority (1 high – 10 low)").fill("2");
  await dialog.getByRole("button", { name: "Add the copy" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("job-timeline")).toContainText("Duplicated as");
  await page.getByTestId("duplicate-link").click();
  await expect(page).not.toHaveURL(new RegExp(jobId));
  await expect(page.getByRole("region", { name: "Data", exact: true })).toContainText('"inventory"');
  await expect(page.getByText(DEMO.admin.name, { exact: true }).first()).toBeVisible();
});

test("an admin cancels a running job from the job page and sees it cancelled within seconds", async ({ page }) => {
  // The suite's worker leaves one queue unserved; this test serves it with a worker of its own, in
  // this process, on the same Redis and database, so the cancellation crosses processes.
  const worker = await createTestWorker([UNSERVED_QUEUE], () => ({
    [UNSERVED_QUEUE]: {
      async run(_job: unknown, context: { progress(percent: number, message: string): Promise<void>; log(message: string): Promise<void>; signal: AbortSignal }) {
        await context.progress(25, "Pulling orders");
        await context.log("sync started");
        await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
        throw new Error("stopped");
      },
    },
  }));
  // Before the worker starts, or it would take the backlog's jobs first.
  await clearIdleBacklog(page.request);
  await worker.start();
  try {
    const jobId = await addJob(page.request, UNSERVED_QUEUE, { integrationId: `e2e-cancel-${Date.now()}` });
    await expect.poll(() => jobState(page.request, UNSERVED_QUEUE, jobId), { timeout: 20_000 }).toBe("active");

    await page.goto(`/queues/${UNSERVED_QUEUE}/jobs/${jobId}`);
    await expect(page.getByTestId("job-state")).toHaveText("Running");
    await expect(page.getByRole("progressbar", { name: "Job progress" })).toHaveAttribute("aria-valuenow", "25");
    await expect(page.getByTestId("job-logs")).toContainText("sync started");
    // A running job cannot be removed, only cancelled.
    await expect(page.getByRole("button", { name: "Remove" })).toHaveCount(0);
    await page.getByRole("button", { name: "Cancel job" }).click();
    const requestedAt = Date.now();
    await confirm(page, "Cancel job");
    await expect(page.getByTestId("job-state")).toHaveText("Cancelled", { timeout: 10_000 });
    expect(Date.now() - requestedAt).toBeLessThan(10_000);
    await expect(page.getByTestId("failed-reason")).toHaveText(`Cancelled by ${DEMO.admin.name}`);
    const timeline = page.getByTestId("job-timeline");
    await expect(timeline).toContainText("Cancellation requested");
    await expect(timeline).toContainText(`by ${DEMO.admin.name}`);
    await expect(timeline.getByText("Cancelled", { exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: /Cancel/ })).toHaveCount(0);
    await page.screenshot({ path: "e2e/screenshots/job-cancelled.png", fullPage: true, animations: "disabled" });
  } finally {
    await worker.stop();
  }
});

test("a planner gets 404 for another user's job page and 403 for admin pages", async ({ browser, page }) => {
  const jobId = await addJob(page.request, IDLE_QUEUE, syncOf("admin-only"));
  const planner = await browser.newContext({ storageState: AUTH_FILES.planner });
  try {
    const plannerPage = await planner.newPage();
    const job = await plannerPage.goto(`/queues/${IDLE_QUEUE}/jobs/${jobId}`);
    expect(job?.status()).toBe(404);
    await expect(plannerPage.getByRole("heading", { name: "Page not found" })).toBeVisible();
    for (const path of ["/jobs", `/queues/${IDLE_QUEUE}`]) {
      const response = await plannerPage.goto(path);
      expect(response?.status(), path).toBe(403);
    }
    const api = await plannerPage.request.get("/api/v1/runs?q=abc");
    expect(api.status()).toBe(403);

    // Their own job opens, with only the actions an owner has (a forecast held for an hour: the
    // unserved queue takes admins' jobs only; promoting it would be an admin's).
    const { products } = await (await plannerPage.request.get("/api/v1/products?limit=1")).json();
    const own = await addJob(plannerPage.request, "forecast", { productId: products[0].id, horizon: 7, models: ["ma"] }, { delay: 3_600_000 });
    await plannerPage.goto(`/queues/forecast/jobs/${own}`);
    await expect(plannerPage.getByTestId("job-state")).toHaveText("Delayed");
    await expect(plannerPage.getByRole("link", { name: "My runs" }).first()).toBeVisible();
    await expect(plannerPage.getByRole("button", { name: "Cancel job" })).toBeVisible();
    for (const adminOnly of ["Duplicate…", "Remove", "Promote"]) await expect(plannerPage.getByRole("button", { name: adminOnly })).toHaveCount(0);
    await plannerPage.getByRole("button", { name: "Cancel job" }).click();
    await confirm(plannerPage, "Cancel job");
    await expect(plannerPage.getByTestId("job-state")).toHaveText("Cancelled");
  } finally {
    await planner.close();
  }
});
