import { expect, test } from "@playwright/test";
import { AUTH_FILES, BASE_URL } from "./e2e-env";

// Request-level checks of what the pages rely on: auth, validation errors, cross-site refusal.

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the API answers 401 with a JSON error", async ({ request }) => {
    const response = await request.get("/api/v1/queues");
    expect(response.status()).toBe(401);
    expect((await response.json()).error.code).toBe("unauthorized");
  });
});

test.describe("as a planner", () => {
  test.use({ storageState: AUTH_FILES.planner });

  test("an out-of-range horizon is a 422 naming the field", async ({ request }) => {
    const products = await (await request.get("/api/v1/products?limit=1")).json();
    const response = await request.post("/api/v1/forecasts", {
      data: { productId: products.products[0].id, horizon: 400, models: ["all"] },
      headers: { origin: BASE_URL },
    });
    expect(response.status()).toBe(422);
    const { error } = await response.json();
    expect(error.details).toContainEqual(expect.objectContaining({ path: "body.horizon" }));
  });

  test("a cross-site POST with the session cookie is refused", async ({ request }) => {
    const response = await request.post("/api/v1/queues/export/jobs", {
      data: { name: "x", data: { entity: "products", format: "csv" } },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(response.status()).toBe(403);
  });
});
