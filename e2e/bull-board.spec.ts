import { expect, test } from "@playwright/test";
import { AUTH_FILES, BASE_URL } from "./e2e-env";

const QUEUE_LABELS = ["Demand forecast", "Inventory optimisation", "Integration sync", "Data import", "Data export", "Notification", "Analytics"];

test.describe("admins", () => {
  test.use({ storageState: AUTH_FILES.admin });

  test("open bull-board from the dashboard and see the seven queues", async ({ page }) => {
    await page.goto("/queues");
    await page.getByRole("link", { name: "Open bull-board" }).click();
    await expect(page).toHaveURL(/\/admin\/queues\/?$/);
    await expect(page).toHaveTitle("CapLiquify queues");
    for (const label of QUEUE_LABELS) await expect(page.getByText(label, { exact: true }).first()).toBeVisible();
    await page.screenshot({ path: "e2e/screenshots/bull-board.png", fullPage: true, animations: "disabled" });
    // The way back to the app sits in the board's header menu (its last button; bull-board leaves it unnamed).
    await page.locator("header button").last().click();
    const back = page.getByText("Back to the dashboard");
    await expect(back).toBeVisible();
    await page.screenshot({ path: "e2e/screenshots/bull-board-menu.png", animations: "disabled" });
    await back.click();
    await expect(page).toHaveURL(/\/queues$/);
    await page.goBack();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.reload();
    await expect(page.getByText("Demand forecast", { exact: true }).first()).toBeVisible();
    await page.screenshot({ path: "e2e/screenshots/bull-board-dark.png", fullPage: true, animations: "disabled" });
  });

  test("a queue's page inside the board loads on its own URL", async ({ page }) => {
    await page.goto("/admin/queues/queue/forecast-queue");
    await expect(page.getByText("Demand forecast", { exact: true }).first()).toBeVisible();
    const api = await page.request.get("/admin/queues/api/queues");
    expect(api.status()).toBe(200);
    expect(((await api.json()) as { queues: unknown[] }).queues).toHaveLength(7);
  });
});

test.describe("planners", () => {
  test.use({ storageState: AUTH_FILES.planner });

  test("are refused the board, its files and its API", async ({ page }) => {
    const response = await page.goto("/admin/queues");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
    await page.screenshot({ path: "e2e/screenshots/bull-board-forbidden.png", animations: "disabled" });
    expect((await page.request.get("/admin/queues/api/queues")).status()).toBe(403);
    expect((await page.request.put("/admin/queues/api/queues/forecast-queue/pause", { headers: { origin: BASE_URL } })).status()).toBe(403);
    await page.getByRole("link", { name: "Go to my runs" }).click();
    await expect(page).toHaveURL(/\/my-runs$/);
  });
});

test.describe("anonymous visitors", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("are sent to sign in, and the API answers 401", async ({ page }) => {
    await page.goto("/admin/queues");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fadmin%2Fqueues$/);
    expect((await page.request.get("/admin/queues/api/queues")).status()).toBe(401);
  });
});
