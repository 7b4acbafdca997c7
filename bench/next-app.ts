import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../scripts/services.mjs";
import { config } from "./config";
import { assertPortFree, startChild, waitForHttp, type Child } from "./processes";

const nextBin = join(root, "node_modules/next/dist/bin/next");
/** The one-route Next app of the Next ceiling (bench/next-ceiling/next.config.mjs). */
const nextCeilingDir = join(root, "bench/next-ceiling");

/** Environment of the Next server (and of its build, whose prerender step reads the env too). */
export function appEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    NEXT_DIST_DIR: config.nextDistDir,
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.prefix,
    NEXTAUTH_SECRET: config.nextAuthSecret,
    NEXTAUTH_URL: `http://127.0.0.1:${config.appPort}`,
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
  };
}

/**
 * A production build in its own directory. Built in two steps, `compile` then `generate`: a plain
 * `next build` also type-checks the whole project (failing on whatever another engineer is half-way
 * through) and rewrites tsconfig.json to include `.next-bench/types`; neither belongs in a benchmark.
 * Runs as a child (so seeding can go on meanwhile); resolves with the build time in ms, or null
 * when skipped.
 */
export async function buildApp(): Promise<number | null> {
  const builtAlready = existsSync(join(root, config.nextDistDir, "BUILD_ID")) && existsSync(join(nextCeilingDir, ".next-bench", "BUILD_ID"));
  if (config.skipBuild && builtAlready) return null;
  if (config.skipBuild) console.error(`  BENCH_SKIP_BUILD=1 but ${config.nextDistDir}/BUILD_ID is missing: building anyway`);
  const tsconfigPath = join(root, "tsconfig.json");
  const tsconfigBefore = readFileSync(tsconfigPath, "utf8");
  const started = performance.now();
  try {
    for (const mode of ["compile", "generate"]) {
      const child = startChild(`next-build-${mode}`, process.execPath, [nextBin, "build", "--experimental-build-mode", mode], appEnv());
      const code = await child.exited;
      if (code !== 0) throw new Error(`next build (${mode}) failed with exit code ${code}; log: ${child.logFile}`);
    }
    // The Next ceiling has no types to check and its own tsconfig: one plain build.
    const ceiling = startChild("next-build-ceiling", process.execPath, [nextBin, "build", nextCeilingDir], nextCeilingEnv());
    const code = await ceiling.exited;
    if (code !== 0) throw new Error(`next build of the Next ceiling failed with exit code ${code}; log: ${ceiling.logFile}`);
  } finally {
    restoreTsconfig(tsconfigPath, tsconfigBefore);
  }
  return performance.now() - started;
}

/** Undoes Next's `.next-bench/types` include entries should a future Next add them in these modes too. */
function restoreTsconfig(path: string, before: string): void {
  const after = readFileSync(path, "utf8");
  if (after === before || !after.includes(`${config.nextDistDir}/`)) return;
  const cleaned = after.replace(new RegExp(`,\\s*"${config.nextDistDir.replace(".", "\\.")}/[^"]*"`, "g"), "");
  writeFileSync(path, cleaned);
  console.error(`  (removed the ${config.nextDistDir} entries next build added to tsconfig.json)`);
}

export async function startApp(): Promise<{ child: Child; baseUrl: string }> {
  await assertPortFree(config.appPort);
  const child = startChild("next-start", process.execPath, [nextBin, "start", "-p", String(config.appPort), "-H", "127.0.0.1"], appEnv());
  const baseUrl = `http://127.0.0.1:${config.appPort}`;
  await waitForHttp(`${baseUrl}/api/v1/health`, child, 60_000);
  return { child, baseUrl };
}

function nextCeilingEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.nextCeilingPrefix,
    // Read by the app's env schema, which the catalogue's queue settings parse.
    NEXTAUTH_SECRET: config.nextAuthSecret,
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
  };
}

/** `next start` of the Next ceiling: a Next route handler that only parses the body and calls queue.add. */
export async function startNextCeiling(): Promise<{ child: Child; baseUrl: string }> {
  await assertPortFree(config.nextCeilingPort);
  const child = startChild("next-ceiling", process.execPath, [nextBin, "start", nextCeilingDir, "-p", String(config.nextCeilingPort), "-H", "127.0.0.1"], nextCeilingEnv());
  const baseUrl = `http://127.0.0.1:${config.nextCeilingPort}`;
  await waitForHttp(`${baseUrl}/jobs`, child, 60_000);
  return { child, baseUrl };
}
