import { expect, test } from "@playwright/test";
import { DEMO } from "./e2e-env";

test.use({ storageState: { cookies: [], origins: [] } });

test("a signed-out visit to /forecasts lands on the sign-in page", async ({ page }) => {
  await page.goto("/forecasts");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fforecasts$/);
  await expect(page.getByRole("heading", { name: "Sign in to CapLiquify" })).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/signin.png", fullPage: true, animations: "disabled" });
});

test("a signed-out deep link keeps its query and its page through sign-in", async ({ page }) => {
  await page.goto("/my-runs?queue=forecast&state=failed");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fmy-runs%3Fqueue%3Dforecast%26state%3Dfailed$/);
  await page.getByRole("button", { name: "Fill in the planner demo account of Northwind Components" }).click();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/my-runs\?queue=forecast&state=failed$/);
  await expect(page.getByLabel("State")).toHaveValue("failed");
});

test("a session that ends while browsing sends the user to sign in from the next page", async ({ page }) => {
  await page.goto("/signin?callbackUrl=%2Fmy-runs");
  await page.getByRole("button", { name: "Fill in the planner demo account of Northwind Components" }).click();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "My runs", level: 1 })).toBeVisible();
  // Settled: the live stream is up and the list has loaded.
  await expect(page.getByRole("banner").getByText("Live", { exact: true })).toBeVisible();
  await expect(page.getByTestId("my-runs").or(page.getByText("You have no runs yet"))).toBeVisible();
  // The session cookie goes (it expired, or another tab signed out); the next page is a
  // client-side navigation, which does not re-run the layout's check: the API's 401 does it.
  await page.context().clearCookies();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Forecasts" }).click();
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fforecasts$/);
});

test("a callbackUrl that a browser would read as another site's leads home, before and after sign-in", async ({ page }) => {
  // "/\t/evil.example" is "//evil.example" to a browser's URL parser.
  await page.goto("/signin?callbackUrl=%2F%09%2Fevil.example");
  await page.getByRole("button", { name: "Fill in the planner demo account of Northwind Components" }).click();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/forecasts$/);
  for (const callbackUrl of ["%2F%09%2Fevil.example", "%2F%0A%2Fevil.example", "%2F%5Cevil.example", "%2F%2Fevil.example"]) {
    const response = await page.goto(`/signin?callbackUrl=${callbackUrl}`);
    expect(response?.status(), callbackUrl).toBe(200);
    await expect(page, callbackUrl).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/forecasts$/);
  }
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

test("after sign-out the old session cookie opens neither the API nor a page", async ({ page, browser }) => {
  await page.goto("/signin?callbackUrl=%2Fqueues");
  await page.getByRole("button", { name: "Fill in the admin demo account of Northwind Components" }).click();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Queues", level: 1 })).toBeVisible();
  // What a thief (or a shared computer's next user) would have kept of the session.
  const kept = (await page.context().cookies()).filter((cookie) => cookie.name.endsWith("next-auth.session-token"));
  expect(kept).toHaveLength(1);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);

  const thief = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    await thief.addCookies(kept);
    expect((await thief.request.get("/api/v1/queues")).status()).toBe(401);
    const stolen = await thief.newPage();
    await stolen.goto("/queues");
    await expect(stolen).toHaveURL(/\/signin\?callbackUrl=%2Fqueues$/);
  } finally {
    await thief.close();
  }
});

test("repeated wrong passwords are throttled and the form says when to try again", async ({ page }) => {
  // An email of its own: the demo accounts stay usable for the other tests running alongside.
  const email = `throttle-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("not-the-password");
  const alert = page.getByRole("main").getByRole("alert");
  // The alert reads the same after each wrong password: wait for each answer, not the text.
  const submit = async () => {
    const answered = page.waitForResponse((response) => response.url().includes("/api/auth/callback/credentials"));
    await page.getByRole("button", { name: "Sign in" }).click();
    return answered;
  };
  for (let attempt = 1; attempt <= 5; attempt++) {
    expect((await submit()).status()).toBe(401);
    await expect(alert).toHaveText("Incorrect email or password.");
  }
  const throttled = await submit();
  expect(throttled.status()).toBe(429);
  expect(Number(throttled.headers()["retry-after"])).toBeGreaterThan(0);
  await expect(alert).toHaveText(/^Too many sign-in attempts\. Try again in (1[0-5]|[1-9]) minutes?\.$/);
  await page.screenshot({ path: "e2e/screenshots/signin-throttled.png", fullPage: true, animations: "disabled" });
});
