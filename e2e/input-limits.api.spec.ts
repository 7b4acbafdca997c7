import { expect, test } from "@playwright/test";
import { AUTH_FILES, BASE_URL } from "./e2e-env";

// Input the route handlers never see, checked against the built server: paths that are not valid
// percent-encoded UTF-8 (Next decodes dynamic segments before any handler runs) and oversize bodies.

const UNDECODABLE = ["%ED%A0%80", "%FF", "%C0%AE"];

test.describe("a path that is not valid UTF-8", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  for (const segment of UNDECODABLE) {
    test(`API route /api/v1/products/${segment}: a JSON 404 (not a plain-text 500)`, async ({ request }) => {
      for (const response of [
        await request.get(`/api/v1/products/${segment}`),
        await request.post(`/api/v1/queues/${segment}/jobs`, { data: {}, headers: { origin: BASE_URL } }),
      ]) {
        expect(response.status()).toBe(404);
        expect((await response.json()).error).toMatchObject({ code: "not-found", details: [] });
      }
    });
  }

  test("a page and bull-board answer the not-found page", async ({ request }) => {
    for (const path of ["/queues/%FF/jobs/x", "/queues/forecast/jobs/%C0%AE", "/admin/queues/%FF"]) {
      const response = await request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(404);
      expect(await response.text(), path).toContain("Page not found");
    }
  });

  test("a valid encoded path still reaches its route", async ({ request }) => {
    const response = await request.get("/queues/forecast/jobs/a%20b", { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    expect(response.headers().location).toContain("callbackUrl=%2Fqueues%2Fforecast%2Fjobs%2Fa%2520b");
  });
});

test.describe("request bodies", () => {
  test.use({ storageState: AUTH_FILES.planner });

  test("a body over 1 MiB is refused with a JSON 413", async ({ request }) => {
    const response = await request.post("/api/v1/forecasts", {
      data: JSON.stringify({ productId: "x".repeat(2 * 1_048_576), horizon: 30 }),
      headers: { origin: BASE_URL, "content-type": "application/json" },
    });
    expect(response.status()).toBe(413);
    expect((await response.json()).error.code).toBe("payload-too-large");
  });
});
