import { config } from "./config";
import { buildNext, nextBin } from "./next-build";
import { assertPortFree, startChild, waitForHttp, type Child } from "./processes";

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

/** The bench's production build, in `.next-bench`; resolves with the build time in ms, or null when skipped. */
export function buildApp(): Promise<number | null> {
  return buildNext({ distDir: config.nextDistDir, env: appEnv(), skipBuild: config.skipBuild });
}

export async function startApp(): Promise<{ child: Child; baseUrl: string }> {
  await assertPortFree(config.appPort);
  const child = startChild("next-start", process.execPath, [nextBin, "start", "-p", String(config.appPort), "-H", "127.0.0.1"], appEnv());
  const baseUrl = `http://127.0.0.1:${config.appPort}`;
  await waitForHttp(`${baseUrl}/api/v1/health`, child, 60_000);
  return { child, baseUrl };
}
