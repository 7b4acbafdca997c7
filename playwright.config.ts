import { defineConfig, devices } from "@playwright/test";
import { AUTH_FILES, BASE_URL, E2E_PORT, serverEnv, SUITE_WORKER_QUEUES } from "./e2e/e2e-env";

/**
 * E2E suite in real Chromium against `next start` (after `next build`) and a real worker.
 * `E2E_DEV=1` runs `next dev` instead, for quick iterations without a build.
 * Debian's Chromium by default (Playwright cannot download browsers here); CHROMIUM_PATH overrides.
 */
const dev = process.env.E2E_DEV === "1";

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

export default defineConfig({
  testDir: "e2e",
  outputDir: process.env.E2E_OUTPUT_DIR ?? "test-results",
  // Tests share one database and one worker; running them one at a time keeps the counts they assert on predictable.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/, use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    { name: "api", testMatch: /.*\.api\.spec\.ts/, dependencies: ["setup"] },
    {
      name: "chromium",
      testMatch: /.*\.spec\.ts/,
      testIgnore: /.*\.api\.spec\.ts/,
      dependencies: ["setup"],
      use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 }, launchOptions: chromium, storageState: AUTH_FILES.planner },
    },
  ],
  webServer: [
    {
      // First (web servers start one after another): prepare the database and Redis, then the worker.
      // The worker has no HTTP port, so readiness is its "worker started" log line (info level).
      name: "worker",
      command: "npx tsx e2e/global-setup.ts && npx tsx worker/main.ts",
      env: { ...serverEnv(), LOG_LEVEL: "info", WORKER_QUEUES: SUITE_WORKER_QUEUES },
      wait: { stdout: /"msg":"worker started"/ },
      stdout: "ignore",
      stderr: "pipe",
      timeout: 180_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    },
    {
      name: "web",
      command: dev ? `npx next dev -p ${E2E_PORT} -H 127.0.0.1` : `npx next start -p ${E2E_PORT} -H 127.0.0.1`,
      url: `${BASE_URL}/api/v1/health`,
      env: serverEnv(),
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      timeout: 120_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
  ],
});
