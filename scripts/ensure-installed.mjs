// Installs dependencies when node_modules is missing or older than the lockfile, and generates
// the Prisma client (it lives in lib/generated, which is not committed). No imports beyond Node's
// own, since it runs before anything is installed.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function step(label, command, args, env = process.env) {
  console.log(`\n▸ ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`\n✖ ${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

export function ensureInstalled() {
  const [major] = process.versions.node.split(".").map(Number);
  if (major < 20) {
    console.error(`✖ Node ${process.versions.node} is too old: this project needs Node 20 or newer.`);
    process.exit(1);
  }
  const marker = join(root, "node_modules/.package-lock.json");
  const lock = join(root, "package-lock.json");
  if (!existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs)) {
    step("Installing dependencies (npm ci)", "npm", ["ci", "--no-audit", "--no-fund"]);
  }
  step("Generating the Prisma client", process.execPath, [join(root, "scripts/prisma.mjs"), "generate"]);
}
