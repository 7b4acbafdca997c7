import { expect, test, type APIResponse } from "@playwright/test";
import { AUTH_FILES } from "./e2e-env";

// next.config.mjs sends the security headers with every response: pages, API JSON and bull-board's files.

test.use({ storageState: AUTH_FILES.admin });

function expectSecurityHeaders(response: APIResponse) {
  const headers = response.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).toContain("script-src 'self'");
  expect(headers["content-security-policy"]).toContain("object-src 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["permissions-policy"]).toContain("camera=()");
}

test("a page, an API response, an error and a bull-board file all carry the security headers", async ({ request }) => {
  const page = await request.get("/queues");
  expect(page.status()).toBe(200);
  expectSecurityHeaders(page);

  const api = await request.get("/api/v1/queues");
  expect(api.status()).toBe(200);
  expect(api.headers()["content-type"]).toContain("application/json");
  expectSecurityHeaders(api);

  const missing = await request.get("/api/v1/queues/no-such-queue/stats");
  expect(missing.status()).toBe(404);
  expectSecurityHeaders(missing);

  const board = await request.get("/admin/queues");
  expect(board.status()).toBe(200);
  expectSecurityHeaders(board);
  const script = /src="(static\/js\/[^"]+\.js)"/.exec(await board.text())![1];
  const asset = await request.get(`/admin/queues/${script}`);
  expect(asset.status()).toBe(200);
  expect(asset.headers()["content-type"]).toMatch(/javascript/);
  expectSecurityHeaders(asset);

  const signIn = await request.get("/signin");
  expectSecurityHeaders(signIn);
});
