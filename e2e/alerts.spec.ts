import { expect, test, type APIRequestContext } from "@playwright/test";
import { AUTH_FILES, BASE_URL, UNSERVED_QUEUE } from "./e2e-env";

test.use({ storageState: AUTH_FILES.admin });

const headers = { origin: BASE_URL };

/** Empties the unserved queue's waiting jobs (other specs leave some), so this spec sees the alert's own transitions. */
async function clearBacklog(request: APIRequestContext) {
  for (const type of ["prioritized", "wait"]) {
    const response = await request.post(`/api/v1/queues/${UNSERVED_QUEUE}/clean`, { data: { type, grace: 0, limit: 100_000 }, headers });
    expect(response.status(), await response.text()).toBe(200);
  }
}

async function firingRules(request: APIRequestContext, queue: string): Promise<string[]> {
  const response = await request.get("/api/v1/alerts");
  expect(response.status(), await response.text()).toBe(200);
  const { alerts } = (await response.json()) as { alerts: { queue: string; rule: string }[] };
  return alerts.filter((alert) => alert.queue === queue).map((alert) => alert.rule);
}

test("jobs waiting with no worker raise an alert in the overview's strip and the admin's bell, without a reload", async ({ page }) => {
  // The suite's worker leaves the sync queue unserved: its jobs wait with nobody to run them.
  await clearBacklog(page.request);
  await expect.poll(() => firingRules(page.request, UNSERVED_QUEUE), { timeout: 30_000 }).not.toContain("no-worker");
  expect((await page.request.post("/api/v1/notifications/read", { data: { all: true }, headers })).status()).toBe(200);

  await page.goto("/queues");
  const strip = page.getByTestId("alert-strip");
  await expect(strip).toBeVisible();
  const unservedAlert = strip.locator(`[data-testid="alert-item"][data-queue="${UNSERVED_QUEUE}"][data-rule="no-worker"]`);
  await expect(unservedAlert).toHaveCount(0);

  for (let index = 0; index < 2; index++) {
    const response = await page.request.post(`/api/v1/queues/${UNSERVED_QUEUE}/jobs`, { data: { name: "e2e-alert", data: { integrationId: `e2e-alert-${Date.now()}-${index}` } }, headers });
    expect(response.status(), await response.text()).toBe(201);
  }

  // Evaluated every 3 s here (every minute by default), read by the strip every 5 s.
  await expect(unservedAlert).toBeVisible({ timeout: 30_000 });
  await expect(unservedAlert).toContainText("No worker");
  // The strip's figures follow each evaluation; the notification keeps those of the moment it fired.
  await expect(unservedAlert.getByRole("link", { name: /^Integration sync: 2 jobs waiting, no worker/ })).toHaveAttribute("href", `/queues/${UNSERVED_QUEUE}`);
  await expect(unservedAlert).toContainText("firing since");

  // The bell learns of it without a reload: an unread alert that links to the queue.
  await expect(page.getByTestId("notification-count")).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: "e2e/screenshots/alerts.png", fullPage: true, animations: "disabled" });
  await page.setViewportSize({ width: 768, height: 1024 });
  await expect(unservedAlert.getByRole("link")).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/alerts-tablet.png", animations: "disabled" });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId("notification-bell").click();
  const panel = page.getByRole("dialog", { name: "Notifications" });
  const item = panel.getByTestId("notification-item").filter({ hasText: /Integration sync: [12] jobs? waiting, no worker/ }).first();
  await expect(item).toHaveAttribute("data-unread", "true");
  await expect(item.getByRole("link")).toHaveAttribute("href", `/queues/${UNSERVED_QUEUE}`);
  await expect(item).toContainText("Queue alert:");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/alerts-bell-dark.png", animations: "disabled" });
  await page.keyboard.press("Escape");
  await page.screenshot({ path: "e2e/screenshots/alerts-dark.png", fullPage: true, animations: "disabled" });
  await page.emulateMedia({ colorScheme: "light" });

  // Nothing waits any more: the alert resolves, in the strip and in the bell.
  await clearBacklog(page.request);
  await expect(unservedAlert).toHaveCount(0, { timeout: 30_000 });
  await strip.screenshot({ path: "e2e/screenshots/alerts-strip-resolved.png", animations: "disabled" });
  await page.getByTestId("notification-bell").click();
  await expect(panel.getByTestId("notification-item").filter({ hasText: "Resolved: Integration sync: a worker serves it again" }).first()).toBeVisible({ timeout: 20_000 });

  // The alert's link opens the queue.
  await panel.getByTestId("notification-item").filter({ hasText: /Integration sync: [12] jobs? waiting/ }).first().getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/queues/${UNSERVED_QUEUE}$`));
});

test("planners cannot read alerts", async ({ browser }) => {
  const planner = await browser.newContext({ storageState: AUTH_FILES.planner, baseURL: BASE_URL });
  try {
    expect((await planner.request.get("/api/v1/alerts")).status()).toBe(403);
  } finally {
    await planner.close();
  }
});
