import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../scripts/services.mjs";
import { startChild } from "./processes";

export const nextBin = join(root, "node_modules/next/dist/bin/next");

export interface NextBuildOptions {
  /** Build directory (NEXT_DIST_DIR), relative to the repository. */
  distDir: string;
  /** Environment of the build (its prerender step reads the env too); must set NEXT_DIST_DIR to `distDir`. */
  env: NodeJS.ProcessEnv;
  /** Reuse an existing build in `distDir`. */
  skipBuild: boolean;
  /** Where the build's logs go. @defaultValue the bench's log directory */
  logDir?: string;
}

/**
 * A production build in its own directory. Built in two steps, `compile` then `generate`: a plain
 * `next build` also type-checks the whole project (failing on whatever another engineer is half-way
 * through) and rewrites tsconfig.json to include `<distDir>/types`; neither belongs in a benchmark
 * or a chaos run. Resolves with the build time in ms, or null when skipped.
 */
export async function buildNext({ distDir, env, skipBuild, logDir }: NextBuildOptions): Promise<number | null> {
  const builtAlready = existsSync(join(root, distDir, "BUILD_ID"));
  if (skipBuild && builtAlready) return null;
  if (skipBuild) console.error(`  skip-build was asked for but ${distDir}/BUILD_ID is missing: building anyway`);
  const tsconfigPath = join(root, "tsconfig.json");
  const tsconfigBefore = readFileSync(tsconfigPath, "utf8");
  const started = performance.now();
  try {
    for (const mode of ["compile", "generate"]) {
      const child = startChild(`next-build-${mode}`, process.execPath, [nextBin, "build", "--experimental-build-mode", mode], env, { logDir });
      const code = await child.exited;
      if (code !== 0) throw new Error(`next build (${mode}) failed with exit code ${code}; log: ${child.logFile}`);
    }
  } finally {
    restoreTsconfig(tsconfigPath, tsconfigBefore, distDir);
  }
  return performance.now() - started;
}

/** Undoes Next's `<distDir>/types` include entries should a future Next add them in these modes too. */
function restoreTsconfig(path: string, before: string, distDir: string): void {
  const after = readFileSync(path, "utf8");
  if (after === before || !after.includes(`${distDir}/`)) return;
  const cleaned = after.replace(new RegExp(`,\\s*"${distDir.replace(".", "\\.")}/[^"]*"`, "g"), "");
  writeFileSync(path, cleaned);
  console.error(`  (removed the ${distDir} entries next build added to tsconfig.json)`);
}
