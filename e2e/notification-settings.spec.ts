import { expect, test } from "@playwright/test";
import { AUTH_FILES, BASE_URL } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner });

const headers = { origin: BASE_URL };

test("a planner turns on email for failures, keeps it after a reload, and a test message reaches the bell", async ({ page }) => {
  // Start from a bell with nothing unread, so the test's own notification is the one that shows.
  expect((await page.request.post("/api/v1/notifications/read", { data: { all: true }, headers })).status()).toBe(200);

  await page.goto("/forecasts");
  await page.getByRole("link", { name: "Notification settings" }).click();
  await expect(page).toHaveURL(/\/settings\/notifications$/);
  await expect(page.getByRole("heading", { name: "Notification settings" })).toBeVisible();

  const failuresByEmail = page.getByRole("checkbox", { name: "A job of mine failed by email" });
  const wasOn = await failuresByEmail.isChecked();
  // The demo user's defaults have email for failures on: turn it off and on again, saving each time.
  for (const wanted of [!wasOn, true]) {
    await failuresByEmail.setChecked(wanted);
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Your notification settings are saved.")).toBeVisible();
    await page.reload();
    await expect(failuresByEmail).toBeChecked({ checked: wanted });
  }

  // A number that is not E.164 is refused before it is sent, with the reason.
  const phone = page.getByLabel("Mobile number for text messages");
  await phone.fill("0151 123");
  await expect(page.getByText(/Write the number in international form/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Save settings" })).toBeDisabled();
  await phone.fill("");

  // Headless Chromium here has no push service: the device card says what it can.
  await expect(page.getByRole("heading", { name: "Push notifications on this device" })).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/notification-settings.png", fullPage: true, animations: "disabled" });

  await page.getByRole("button", { name: "Send a test message" }).click();
  await expect(page.getByText("Test message on its way")).toBeVisible();

  const bell = page.getByTestId("notification-bell");
  await expect(page.getByTestId("notification-count")).toBeVisible({ timeout: 30_000 });
  await bell.click();
  const panel = page.getByRole("dialog", { name: "Notifications" });
  await expect(panel.getByTestId("notification-item").filter({ hasText: "Test message" }).first()).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/notification-settings-bell.png", animations: "disabled" });
});

test("the settings page registers the push service worker, served as a script that is never cached", async ({ page }) => {
  await page.goto("/settings/notifications");
  await expect(page.getByRole("heading", { name: "Push notifications on this device" })).toBeVisible();
  // Registered by the page (127.0.0.1 is a secure context), and running: the CSP let it in.
  const scriptURL = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
  expect(scriptURL).toBe(`${BASE_URL}/sw.js`);
  const response = await page.request.get("/sw.js");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/javascript/);
  expect(response.headers()["cache-control"]).toBe("no-cache, no-store, must-revalidate");
  expect(response.headers()["content-security-policy"]).toContain("worker-src 'self'");
  // Headless Chromium has the Push API, so the card offers to turn push on (it cannot subscribe offline).
  await expect(page.getByRole("button", { name: "Turn on for this device" })).toBeVisible();
});
