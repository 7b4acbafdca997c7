import { expect, test } from "@playwright/test";
import { DEMO } from "./e2e-env";

test.use({ storageState: { cookies: [], origins: [] } });

test("a signed-out visit to /forecasts lands on the sign-in page", async ({ page }) => {
  await page.goto("/forecasts");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fforecasts$/);
  await expect(page.getByRole("heading", { name: "Sign in to CapLiquify" })).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/signin.png", fullPage: true, animations: "disabled" });
});

test("/ sends a signed-out visitor to sign in as well", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
});

test("bad credentials show an error and keep the user on the form", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(DEMO.planner.email);
  await page.getByLabel("Password", { exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Incorrect email or password.");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByLabel("Email")).toHaveValue(DEMO.planner.email);
  await page.screenshot({ path: "e2e/screenshots/signin-error.png", fullPage: true, animations: "disabled" });
});

test("signing in returns to the page that asked for it", async ({ page }) => {
  await page.goto("/queues");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fqueues$/);
  await page.getByRole("button", { name: "Fill in the admin demo account of Northwind Components" }).click();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/queues$/);
  await expect(page.getByRole("heading", { name: "Queues", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
});
