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

test("a planner schedules a nightly forecast of a category as one batch, then widens it to every product", async ({ page }) => {
  const products = await page.request.get("/api/v1/products?search=bearing&limit=1");
  const [product] = ((await products.json()) as { products: { category: string }[] }).products;
  const name = `Nightly category forecast ${Date.now()}`;

  await page.goto("/schedules");
  await page.getByTestId("new-schedule").click();
  const dialog = page.getByRole("dialog", { name: "New schedule" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("A category").check();
  await dialog.getByLabel("Job data (JSON)").fill(JSON.stringify({ horizon: 14 }));
  await dialog.getByRole("button", { name: "Nightly 02:00" }).click();
  // The category is required once a category batch is chosen.
  await dialog.getByRole("button", { name: "Create schedule" }).click();
  await expect(dialog.getByText("Enter a category.")).toBeVisible();
  await dialog.getByLabel("Category", { exact: true }).fill(product!.category);
  await dialog.getByRole("button", { name: "Create schedule" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId("schedule-row").filter({ hasText: name });
  await expect(row).toContainText(`batch of category ${product!.category}`);
  const saved = async () =>
    ((await (await page.request.get("/api/v1/schedules")).json()) as { schedules: { name: string; batch: unknown; data: unknown }[] }).schedules.find((schedule) => schedule.name === name);
  expect(await saved()).toMatchObject({ batch: { category: product!.category }, data: { horizon: 14 } });

  await row.getByRole("button", { name: "Edit" }).click();
  const editing = page.getByRole("dialog", { name: "Edit schedule" });
  await expect(editing.getByLabel("A category")).toBeChecked();
  await expect(editing.getByLabel("Category", { exact: true })).toHaveValue(product!.category);
  await editing.getByLabel("Every product").check();
  await editing.getByRole("button", { name: "Save" }).click();
  await expect(editing).toBeHidden();
  await expect(row).toContainText("batch of all products");
  expect(await saved()).toMatchObject({ batch: { all: true } });

  await row.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: /Delete/ }).getByRole("button", { name: "Delete schedule" }).click();
  await expect(row).toHaveCount(0);
});
