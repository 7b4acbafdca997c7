// `npm run build:worker` — bundles the worker for production into dist/worker, so a production
// install runs it with plain `node dist/worker/main.js` (no TypeScript loader, in the process or in
// its task threads). Our code is bundled; packages stay imports of node_modules.
//
// Task threads load modules named by URL (`new URL("./forecast.tasks.ts", import.meta.url)`), which
// a bundle would otherwise point at sources that are not there. Each such reference to a TypeScript
// module becomes a bundle of its own, at the same place under dist/ as its source under the
// project, and the reference is rewritten to it relative to the bundle that holds it. Entries are
// found by following these references from worker/main.ts until no new one appears. The match is
// textual, so a comment that spells such a URL out counts too (and fails the build if it names no file).
import { existsSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outRoot = join(root, "dist");
const MAIN = "worker/main.ts";

/** `new URL("./x.ts", import.meta.url)` with a relative TypeScript path. */
const MODULE_URL = /new URL\(\s*(["'])(\.{1,2}\/[^"'\s]+\.m?ts)\1\s*,\s*import\.meta\.url\s*\)/g;

const outputOf = (source) => join(outRoot, relative(root, source)).replace(/\.m?ts$/, ".js");

/** Rewrites module URLs in the files of one entry's bundle; collects the modules they name. */
function moduleUrls(entry, referenced) {
  return {
    name: "module-urls",
    setup(build) {
      build.onLoad({ filter: /\.m?ts$/ }, async (args) => {
        if (args.path.includes("/node_modules/")) return undefined;
        const source = await readFile(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        let missing;
        const contents = source.replace(MODULE_URL, (match, quote, path) => {
          const target = resolve(dirname(args.path), path);
          if (!existsSync(target)) missing ??= `${relative(root, args.path)} names ${path}, which does not exist`;
          referenced.add(target);
          let rewritten = relative(dirname(outputOf(entry)), outputOf(target)).split("\\").join("/");
          if (!rewritten.startsWith(".")) rewritten = `./${rewritten}`;
          return `new URL(${quote}${rewritten}${quote}, import.meta.url)`;
        });
        if (missing) return { errors: [{ text: missing }] };
        return { contents, loader: "ts" };
      });
    },
  };
}

async function bundle(entry, referenced) {
  await esbuild.build({
    entryPoints: [entry],
    outfile: outputOf(entry),
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // Stack traces of a production worker name our functions.
    keepNames: true,
    logLevel: "warning",
    plugins: [moduleUrls(entry, referenced)],
  });
}

export async function buildWorker() {
  // dist/ holds only this build's output: a module that is no longer referenced must not linger.
  rmSync(outRoot, { recursive: true, force: true });
  const built = new Set();
  const pending = [join(root, MAIN)];
  while (pending.length > 0) {
    const entry = pending.shift();
    built.add(entry);
    const referenced = new Set();
    await bundle(entry, referenced);
    for (const target of referenced) if (!built.has(target) && !pending.includes(target)) pending.push(target);
  }
  return [...built].map((entry) => relative(root, outputOf(entry)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const outputs = await buildWorker();
  console.log(`Built the worker in ${Date.now() - started} ms: ${outputs.join(", ")}`);
}
