import { expect, test, type Page } from "@playwright/test";
import { AUTH_FILES, BASE_URL } from "./e2e-env";

test.use({ storageState: AUTH_FILES.admin });

async function addJobs(page: Page, queue: string, data: unknown, count: number) {
  for (let index = 0; index < count; index++) {
    const response = await page.request.post(`/api/v1/queues/${queue}/jobs`, { data: { name: `e2e-${queue}`, data }, headers: { origin: BASE_URL } });
    expect(response.status(), await response.text()).toBe(201);
  }
}

test("an admin pauses and resumes a queue from the overview, with confirmation", async ({ page }) => {
  await page.goto("/queues");
  const card = page.getByTestId("queue-analytics");
  await expect(card.getByRole("heading", { name: "Analytics" })).toBeVisible();
  await expect(card.getByText("Paused", { exact: true })).toHaveCount(0);

  await card.getByRole("button", { name: "Pause" }).click();
  const dialog = page.getByRole("dialog", { name: "Pause Analytics?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("starts no new ones until the queue is resumed");
  // Cancelling changes nothing.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByText("Paused", { exact: true })).toHaveCount(0);

  await card.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("dialog", { name: "Pause Analytics?" }).getByRole("button", { name: "Pause queue" }).click();
  await expect(card.getByText("Paused", { exact: true })).toBeVisible();
  await expect(card.getByRole("status").filter({ hasText: "Analytics is paused." })).toBeVisible();
  const stats = await (await page.request.get("/api/v1/queues/analytics/stats")).json();
  expect(stats.isPaused).toBe(true);

  await card.getByRole("button", { name: "Resume" }).click();
  await page.getByRole("dialog", { name: "Resume Analytics?" }).getByRole("button", { name: "Resume queue" }).click();
  await expect(card.getByText("Paused", { exact: true })).toHaveCount(0);
  await expect(card.getByRole("button", { name: "Pause" })).toBeVisible();
  expect((await (await page.request.get("/api/v1/queues/analytics/stats")).json()).isPaused).toBe(false);
});

test("a dialog keeps Tab inside, closes with Esc or a click beside it, and gives focus back", async ({ page }) => {
  await page.goto("/queues");
  const card = page.getByTestId("queue-analytics");
  const pause = card.getByRole("button", { name: "Pause" });
  await pause.click();
  const dialog = page.getByRole("dialog", { name: "Pause Analytics?" });
  await expect(dialog).toBeVisible();
  // Described by its text, so a screen reader reads what pausing does.
  await expect(dialog).toHaveAccessibleDescription(/starts no new ones until the queue is resumed/);
  const cancel = dialog.getByRole("button", { name: "Cancel" });
  const confirm = dialog.getByRole("button", { name: "Pause queue" });
  await expect(cancel).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(confirm).toBeFocused();
  // Past the last control, focus wraps to the first instead of leaving the dialog; and back.
  await page.keyboard.press("Tab");
  await expect(cancel).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(pause).toBeFocused();

  // A click on the backdrop dismisses it too, and nothing was paused.
  await pause.click();
  await expect(dialog).toBeVisible();
  await page.mouse.click(5, 5);
  await expect(dialog).toBeHidden();
  await expect(pause).toBeFocused();
  await expect(card.getByText("Paused", { exact: true })).toHaveCount(0);
});

test("the clean dialog says what it will remove, closes with Esc, and removes waiting jobs", async ({ page }) => {
  // The e2e worker serves this queue: paused, it leaves the jobs waiting for the dialog to clean.
  const control = (action: "pause" | "resume") => page.request.post(`/api/v1/queues/optimization/${action}`, { headers: { origin: BASE_URL } });
  expect((await control("pause")).status()).toBe(200);
  // A real product: a launch about one that does not exist is refused.
  const products = (await (await page.request.get("/api/v1/products?limit=1")).json()) as { products: { id: string }[] };
  await addJobs(page, "optimization", { productId: products.products[0]!.id, constraints: { orderingCost: 12, holdingCostRate: 0.25, serviceLevelZ: 1.65 } }, 3);
  await page.goto("/queues");
  const card = page.getByTestId("queue-optimization");
  await expect(card.getByTestId("count-waiting")).not.toHaveText("0");
  const waiting = Number((await card.getByTestId("count-waiting").innerText()).replace(/,/g, ""));

  // Esc closes the dialog and gives focus back to the button that opened it.
  const cleanButton = card.getByRole("button", { name: "Clean…" });
  await cleanButton.click();
  const dialog = page.getByRole("dialog", { name: "Clean Inventory optimisation" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Jobs to remove")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(cleanButton).toBeFocused();

  await cleanButton.click();
  await dialog.getByLabel("Jobs to remove").selectOption("wait");
  await dialog.getByLabel("Older than").fill("0");
  await dialog.getByLabel("At most").fill("0");
  await expect(dialog.getByText("Enter a whole number from 1 to 100,000")).toBeVisible();
  await expect(dialog.getByRole("button", { name: /Remove up to/ })).toBeDisabled();
  await dialog.getByLabel("At most").fill("500");
  await expect(dialog.getByTestId("clean-summary")).toContainText(`removes up to 500 of the ${waiting} waiting jobs in optimization-queue of any age`);
  await expect(dialog.getByTestId("clean-summary")).toContainText("They will never run");
  await page.screenshot({ path: "e2e/screenshots/queue-clean-dialog.png", animations: "disabled" });
  await dialog.getByRole("button", { name: "Remove up to 500 jobs" }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByRole("status").filter({ hasText: `Removed ${waiting} waiting job` })).toBeVisible();
  await expect(card.getByTestId("count-waiting")).toHaveText("0");
  expect((await control("resume")).status()).toBe(200);
});

test("an admin changes a queue's global concurrency and rate limit at runtime", async ({ page }) => {
  await page.goto("/queues");
  const card = page.getByTestId("queue-import");
  await card.getByRole("button", { name: "Limits…" }).click();
  const dialog = page.getByRole("dialog", { name: "Limits of Data import" });
  await expect(dialog).toContainText("Each process runs up to 1");
  await dialog.getByLabel("Global concurrency").fill("0");
  await expect(dialog.getByText("Enter a whole number from 1 to 10,000, or leave empty")).toBeVisible();
  await dialog.getByLabel("Global concurrency").fill("4");
  await dialog.getByLabel("Limit how many jobs start per time window").check();
  await dialog.getByLabel("Jobs per window").fill("30");
  await dialog.getByLabel("Window (ms)").fill("60000");
  await dialog.getByRole("button", { name: "Save limits" }).click();
  await expect(dialog).toBeHidden();
  const summary = card.getByTestId("limits-summary");
  await expect(summary).toContainText("Global concurrency4");
  await expect(summary).toContainText("Rate limit30 per 1 min");
  const settings = await (await page.request.get("/api/v1/queues/import/settings")).json();
  expect(settings.limits).toMatchObject({ globalConcurrency: 4, globalRateLimit: { max: 30, durationMs: 60_000 } });

  // A queue whose workers carry their own limiter: only the max is editable.
  await page.getByTestId("queue-sync").getByRole("button", { name: "Limits…" }).click();
  const sync = page.getByRole("dialog", { name: "Limits of Integration sync" });
  await expect(sync.getByLabel("Window (ms)")).toBeDisabled();
  await expect(sync).toContainText("only the number of jobs per window can change at runtime");
  await sync.getByRole("button", { name: "Cancel" }).click();

  // Back to no limits, so other tests see the catalogue's behaviour.
  await card.getByRole("button", { name: "Limits…" }).click();
  await dialog.getByLabel("Global concurrency").fill("");
  await dialog.getByLabel("Limit how many jobs start per time window").uncheck();
  await dialog.getByRole("button", { name: "Save limits" }).click();
  await expect(summary).toContainText("Global concurrencyno cap");
  await expect(summary).toContainText("Rate limitnone");
});

test("the audit page lists those actions, filters them and keeps the filter in the URL", async ({ page }) => {
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  const table = page.getByTestId("audit-table");
  for (const action of ["queue.pause", "queue.resume", "queue.clean", "queue.settings"]) {
    await expect(table.getByRole("row").filter({ hasText: action }).first()).toBeVisible();
  }
  const clean = table.getByRole("row").filter({ hasText: "queue.clean" }).first();
  await expect(clean).toContainText("optimization");
  await expect(clean).toContainText("Ada Admin");
  await page.screenshot({ path: "e2e/screenshots/audit.png", fullPage: true, animations: "disabled" });

  await page.getByLabel("Action").selectOption("queue.settings");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/[?&]action=queue\.settings/);
  await expect(table.getByTestId("audit-row").first()).toContainText("queue.settings");
  for (const row of await table.getByTestId("audit-row").all()) await expect(row).toContainText("queue.settings");

  // The deep link opens with the same filter applied.
  await page.goto("/audit?action=queue.pause&target=analytics");
  await expect(page.getByLabel("Action")).toHaveValue("queue.pause");
  await expect(page.getByLabel("Target")).toHaveValue("analytics");
  await expect(table.getByTestId("audit-row").first()).toContainText("queue.pause");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/audit-dark.png", fullPage: true, animations: "disabled" });
});

test.describe("as a planner", () => {
  test.use({ storageState: AUTH_FILES.planner });

  test("the audit page is refused", async ({ page }) => {
    const response = await page.goto("/audit");
    expect(response?.status()).toBe(403);
  });
});
