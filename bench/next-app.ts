import { existsSync } from "node:fs";
import { join } from "node:path";
import { root } from "../scripts/services.mjs";
import { config } from "./config";
import { buildNext, nextBin } from "./next-build";
import { assertPortFree, startChild, waitForHttp, type Child } from "./processes";

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
    INTEGRATION_SECRET_KEY: config.integrationSecretKey,
    NEXTAUTH_URL: `http://127.0.0.1:${config.appPort}`,
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
  };
}

/**
 * The bench's production build of the app, in `.next-bench`, then the Next ceiling's (no types to
 * check, its own tsconfig: one plain build). Resolves with the build time in ms, or null when both
 * builds were reused.
 */
export async function buildApp(): Promise<number | null> {
  const started = performance.now();
  const app = await buildNext({ distDir: config.nextDistDir, env: appEnv(), skipBuild: config.skipBuild });
  const ceilingBuilt = existsSync(join(nextCeilingDir, ".next-bench", "BUILD_ID"));
  if (config.skipBuild && ceilingBuilt && app === null) return null;
  if (!(config.skipBuild && ceilingBuilt)) {
    const ceiling = startChild("next-build-ceiling", process.execPath, [nextBin, "build", nextCeilingDir], nextCeilingEnv());
    const code = await ceiling.exited;
    if (code !== 0) throw new Error(`next build of the Next ceiling failed with exit code ${code}; log: ${ceiling.logFile}`);
  }
  return performance.now() - started;
}

/** @param nodeArgs - extra flags for node (`--cpu-prof`) */
export async function startApp(nodeArgs: string[] = []): Promise<{ child: Child; baseUrl: string }> {
  await assertPortFree(config.appPort);
  const child = startChild("next-start", process.execPath, [...nodeArgs, nextBin, "start", "-p", String(config.appPort), "-H", "127.0.0.1"], appEnv());
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
    INTEGRATION_SECRET_KEY: config.integrationSecretKey,
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
  };
}

/** `next start` of the Next ceiling: a Next route handler that only parses the body and calls queue.add. */
export async function startNextCeiling(nodeArgs: string[] = []): Promise<{ child: Child; baseUrl: string }> {
  await assertPortFree(config.nextCeilingPort);
  const child = startChild("next-ceiling", process.execPath, [...nodeArgs, nextBin, "start", nextCeilingDir, "-p", String(config.nextCeilingPort), "-H", "127.0.0.1"], nextCeilingEnv());
  const baseUrl = `http://127.0.0.1:${config.nextCeilingPort}`;
  await waitForHttp(`${baseUrl}/jobs`, child, 60_000);
  return { child, baseUrl };
}
