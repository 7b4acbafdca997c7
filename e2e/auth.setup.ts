import { expect, test as setup } from "@playwright/test";
import { AUTH_FILES, DEMO } from "./e2e-env";

// Each role signs in once through the real form; the tests reuse the saved cookies.
for (const role of ["planner", "admin", "acme"] as const) {
  setup(`sign in as ${role}`, async ({ page }) => {
    const user = DEMO[role];
    await page.goto("/signin");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/forecasts");
    await expect(page.getByRole("banner").getByText(user.name)).toBeVisible();
    await page.context().storageState({ path: AUTH_FILES[role] });
  });
}
