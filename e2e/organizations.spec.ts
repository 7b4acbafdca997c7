import { expect, test, type APIRequestContext } from "@playwright/test";
import { AUTH_FILES, BASE_URL } from "./e2e-env";

// Acme's planner, next to Northwind's data: the seed gives each organisation its own products
// (Acme's SKUs start with "AC-"), and neither planner may see the other's.
test.use({ storageState: AUTH_FILES.acme });

/** Launches a forecast for the first product the caller's product list returns; its job id and the product's SKU. */
async function launchForecast(request: APIRequestContext, query = ""): Promise<{ jobId: string; sku: string }> {
  const products = await request.get(`/api/v1/products?limit=1${query}`);
  expect(products.status()).toBe(200);
  const [product] = ((await products.json()) as { products: { id: string; sku: string }[] }).products;
  const response = await request.post("/api/v1/forecasts", { data: { productId: product!.id, horizon: 7, models: ["ma"] }, headers: { origin: BASE_URL } });
  expect(response.status(), await response.text()).toBe(201);
  return { jobId: ((await response.json()) as { jobId: string }).jobId, sku: product!.sku };
}

let northwind: { jobId: string; sku: string };

test.beforeAll(async ({ playwright }) => {
  const request = await playwright.request.newContext({ baseURL: BASE_URL, storageState: AUTH_FILES.planner });
  northwind = await launchForecast(request);
  await request.dispose();
  expect(northwind.sku).not.toMatch(/^AC-/);
});

test("Acme's product picker offers Acme's products only", async ({ page }) => {
  await page.goto("/forecasts");
  const picker = page.getByRole("combobox", { name: "Product" });
  await picker.focus();
  await picker.press("ArrowDown");
  const options = page.getByRole("listbox", { name: "Products" }).getByRole("option");
  await expect(options.first()).toBeVisible();
  const texts = await options.allTextContents();
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) expect(text).toMatch(/AC-/);
});

test("My runs lists Acme's planner's runs, and none of Northwind's", async ({ page }) => {
  const own = await launchForecast(page.request);
  expect(own.sku).toMatch(/^AC-/);
  await page.goto("/my-runs");
  await expect(page.locator(`[data-testid="run-row"][data-job-id="${own.jobId}"]`)).toBeVisible();
  await expect(page.locator(`[data-testid="run-row"][data-job-id="${northwind.jobId}"]`)).toHaveCount(0);
});

test("a Northwind forecast run is not found from Acme", async ({ page }) => {
  await page.goto(`/forecasts?job=${northwind.jobId}`);
  await expect(page.getByText("Run not found")).toBeVisible();
});

test("the job page of a Northwind job is a 404 for Acme", async ({ page }) => {
  const response = await page.goto(`/queues/forecast/jobs/${northwind.jobId}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test.describe("the platform's admin", () => {
  test.use({ storageState: AUTH_FILES.admin });

  test("narrows the job search to one organisation", async ({ page }) => {
    // The admin may launch for any organisation's product; the run is then Acme's.
    const acme = await launchForecast(page.request, "&organization=acme");
    expect(acme.sku).toMatch(/^AC-/);
    await page.goto("/jobs");
    await page.getByLabel("Organisation", { exact: true }).selectOption({ label: "Acme Fabrication" });
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page).toHaveURL(/organization=acme/);
    const organizations = page.getByTestId("search-results").getByTestId("run-organization");
    await expect(organizations.first()).toBeVisible();
    for (const text of await organizations.allTextContents()) expect(text).toBe("Acme Fabrication");
  });
});
