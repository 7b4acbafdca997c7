// `npm test` — the whole suite: typecheck, unit + integration (vitest, real Redis and PostgreSQL),
// then the browser tests (Playwright in Chromium against `next start` and a real worker).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled } from "./ensure-installed.mjs";

ensureInstalled();
const { root, runMain, checkRedis, ensureDatabase, ServiceError, DEFAULT_REDIS_URL } = await import("./services.mjs");

// Not test-results/: Playwright empties that folder when it starts.
const results = join(root, "test-reports");

function step(label, command, args, env = process.env) {
  console.log(`\n▸ ${label}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  console.log(`  (${label}: ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${result.status})`);
  return result.status === 0;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

runMain(async () => {
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/capliquify_test";
  await checkRedis(redisUrl);
  // Also proves PostgreSQL is reachable; the test set-up drops and re-creates it anyway.
  await ensureDatabase(testDatabaseUrl);
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    throw new ServiceError(
      `Chromium was not found at ${chromium}. Install it (Debian/Ubuntu: \`sudo apt-get install -y chromium\`) or set CHROMIUM_PATH.`,
    );
  }
  // The export tests read PDFs back with Poppler, as a user's viewer would.
  if (spawnSync("pdftotext", ["-v"], { stdio: "ignore" }).error) {
    throw new ServiceError("pdftotext was not found. Install Poppler (Debian/Ubuntu: `sudo apt-get install -y poppler-utils`).");
  }
  mkdirSync(results, { recursive: true });
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

  const outcomes = {};
  outcomes.typecheck = step("Typecheck (tsc --noEmit)", "npx", ["tsc", "--noEmit"], env);
  outcomes.vitest = step(
    "Unit and integration tests (vitest)",
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${join(results, "vitest.json")}`],
    env,
  );
  outcomes.build = step("Build the web app (next build)", "npx", ["next", "build"], env);
  outcomes.playwright =
    outcomes.build &&
    step("Browser tests (Playwright, Chromium)", "npx", ["playwright", "test", "--reporter=list,json"], {
      ...env,
      PLAYWRIGHT_JSON_OUTPUT_NAME: join(results, "playwright.json"),
    });

  const vitest = readJson(join(results, "vitest.json"));
  const playwright = readJson(join(results, "playwright.json"));
  // A Playwright test that passed on its retry counts as passed, as Playwright itself counts it,
  // but is named in the summary so flakiness stays visible.
  const flaky = playwright?.stats?.flaky ?? 0;
  const passed = (vitest?.numPassedTests ?? 0) + (playwright?.stats?.expected ?? 0) + flaky;
  const failed = (vitest?.numFailedTests ?? 0) + (playwright?.stats?.unexpected ?? 0);
  const skipped = (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0) + (playwright?.stats?.skipped ?? 0);
  console.log("\nSummary:");
  for (const [name, ok] of Object.entries(outcomes)) console.log(`  ${ok ? "✔" : "✖"} ${name}`);
  if (flaky > 0) console.log(`\n  ${flaky} browser test(s) passed only on retry (flaky)`);
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (!Object.values(outcomes).every(Boolean) || failed > 0) process.exitCode = 1;
});
