#!/usr/bin/env node
// The project's way to run the Prisma CLI: `node scripts/prisma.mjs <prisma args…>`.
//
// Prisma 7's CLI downloads its native schema engine on every command, which fails without internet
// access. Unless a native engine is already available, point PRISMA_SCHEMA_ENGINE_BINARY at our
// WebAssembly stand-in (scripts/prisma-engine/schema-engine.mjs); the CLI then skips the download.
// PRISMA_ENGINE=wasm|native forces a choice.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wasmEngine = join(root, "scripts/prisma-engine/schema-engine.mjs");

// Where the CLI looks for `schema-engine-<binary target>` (see `ug()` in node_modules/prisma/build/cli.js):
// @prisma/engines' package dir first, which is where its postinstall download puts the file.
async function nativeEnginePath() {
  try {
    const require = createRequire(join(root, "node_modules/@prisma/engines/package.json"));
    const { getBinaryTargetForCurrentPlatform } = require("@prisma/get-platform");
    const file = `schema-engine-${await getBinaryTargetForCurrentPlatform()}${process.platform === "win32" ? ".exe" : ""}`;
    const dirs = ["node_modules/@prisma/engines", "node_modules/prisma", "node_modules", "node_modules/prisma/runtime"];
    return dirs.map((dir) => join(root, dir, file)).find((path) => existsSync(path));
  } catch {
    return undefined;
  }
}

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
const choice = process.env.PRISMA_ENGINE;
if (choice && choice !== "wasm" && choice !== "native") {
  console.error(`PRISMA_ENGINE must be "wasm" or "native", got "${choice}"`);
  process.exit(2);
}
if (choice === "wasm") {
  env.PRISMA_SCHEMA_ENGINE_BINARY = wasmEngine;
} else if (choice === "native") {
  // Leave PRISMA_SCHEMA_ENGINE_BINARY (if set) to the caller; otherwise the CLI finds or downloads the binary.
} else if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !(await nativeEnginePath())) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = wasmEngine;
}

const child = spawn(process.execPath, [join(root, "node_modules/prisma/build/index.js"), ...process.argv.slice(2)], {
  cwd: process.cwd(),
  env,
  stdio: "inherit",
});
// Pass termination signals on (so the CLI is never orphaned) and exit only once it has, with its code.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
