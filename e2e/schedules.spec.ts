import { expect, test } from "@playwright/test";
import { AUTH_FILES } from "./e2e-env";

test.use({ storageState: AUTH_FILES.planner, timezoneId: "America/Chicago" });

test("a planner schedules a nightly forecast, sees its next run, pauses and deletes it", async ({ page }) => {
  const products = await page.request.get("/api/v1/products?search=bearing&limit=1");
  expect(products.status()).toBe(200);
  const [product] = ((await products.json()) as { products: { id: string }[] }).products;
  const name = `Nightly bearing forecast ${Date.now()}`;

  await page.goto("/schedules");
  await expect(page.getByRole("heading", { name: "Schedules", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Schedules" })).toHaveAttribute("aria-current", "page");

  await page.getByTestId("new-schedule").click();
  const dialog = page.getByRole("dialog", { name: "New schedule" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Job data (JSON)").fill(JSON.stringify({ productId: product!.id, horizon: 30 }));
  // A bad pattern is refused with the reason next to the field.
  await dialog.getByLabel(/^Cron/).fill("0 25 * * *");
  await dialog.getByLabel("Time zone").fill("Europe/Berlin");
  await dialog.getByRole("button", { name: "Create schedule" }).click();
  await expect(dialog.getByText(/is not a valid cron pattern/)).toBeVisible();
  await dialog.getByRole("button", { name: "Nightly 02:00" }).click();
  await expect(dialog.getByLabel(/^Cron/)).toHaveValue("0 2 * * *");
  await dialog.getByRole("button", { name: "Create schedule" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId("schedule-row").filter({ hasText: name });
  await expect(row).toContainText("Nightly 02:00 (Europe/Berlin)");
  // The next run at 02:00 Berlin time, and the same moment in the viewer's zone (Chicago: 19:00 the evening before).
  await expect(row.getByTestId("next-run")).toContainText(/02:00 (CET|CEST|GMT\+1|GMT\+2)/);
  await expect(row.getByTestId("next-run")).toContainText(/19:00 (CST|CDT|GMT-6|GMT-5) your time/);
  await expect(row).toContainText("Not run yet");
  await page.screenshot({ path: "/tmp/schedules-page.png", fullPage: true });

  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row.getByTestId("next-run")).toHaveText("Paused");
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(row.getByTestId("next-run")).toContainText("02:00");
  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row.getByTestId("next-run")).toHaveText("Paused");

  await row.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: /Delete/ });
  await confirm.getByRole("button", { name: "Delete schedule" }).click();
  await expect(row).toHaveCount(0);
  const listed = await page.request.get("/api/v1/schedules");
  expect(((await listed.json()) as { schedules: { name: string }[] }).schedules.map((schedule) => schedule.name)).not.toContain(name);
});
