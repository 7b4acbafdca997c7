// `npm run up` — everything from a fresh clone: install, check services, migrate, seed, build,
// then run the web app and one worker together until Ctrl-C.
import { spawn } from "node:child_process";
import { createECDH, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled } from "./ensure-installed.mjs";

ensureInstalled();
const services = await import("./services.mjs");
const { root, runMain, checkRedis, ensureDatabase, migrate, run, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } = services;

/**
 * `next start` runs in production mode, which refuses to sign sessions with a built-in secret and
 * sends no web push without a VAPID key pair. For a local start we make them once per checkout
 * and keep them in .env.local (not committed), so sessions and browsers' push subscriptions
 * survive restarts.
 */
function localSetting(name, make) {
  const file = join(root, ".env.local");
  const existing = existsSync(file) ? readFileSync(file, "utf8").match(new RegExp(`^${name}=(.+)$`, "m"))?.[1] : undefined;
  if (existing) return existing;
  const value = make();
  appendFileSync(file, `${name}=${value}\n`);
  console.log(`  Created ${name} in .env.local`);
  return value;
}

function localVapidKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const privateKey = localSetting("VAPID_PRIVATE_KEY", () => ecdh.getPrivateKey().toString("base64url"));
  // The public key follows from the private one, so a half-written .env.local cannot pair two keys.
  const derived = createECDH("prime256v1");
  derived.setPrivateKey(Buffer.from(privateKey, "base64url"));
  return { VAPID_PRIVATE_KEY: privateKey, VAPID_PUBLIC_KEY: derived.getPublicKey().toString("base64url") };
}

runMain(async () => {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const port = process.env.PORT ?? "3000";
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? localSetting("NEXTAUTH_SECRET", () => randomBytes(32).toString("base64url")),
    ...(process.env.VAPID_PRIVATE_KEY ? {} : localVapidKeys()),
    VAPID_SUBJECT: process.env.VAPID_SUBJECT ?? "mailto:push@capliquify.invalid",
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    NEXT_TELEMETRY_DISABLED: "1",
  };

  console.log("\n▸ Checking Redis and PostgreSQL");
  await checkRedis(redisUrl);
  await ensureDatabase(databaseUrl);
  console.log("\n▸ Applying migrations");
  migrate(databaseUrl);
  console.log("\n▸ Seeding demo data");
  run(process.execPath, ["--import", "tsx", join(root, "prisma/seed.ts")], { env, label: "seed" });
  console.log("\n▸ Building the web app");
  run("npx", ["next", "build"], { env, label: "next build" });

  const children = [
    spawn("npx", ["next", "start", "-p", port], { cwd: root, env, stdio: "inherit" }),
    spawn(process.execPath, ["--import", "tsx", join(root, "worker/main.ts")], { cwd: root, env, stdio: "inherit" }),
  ];
  const { tsImport } = await import("tsx/esm/api");
  const { DEMO_USERS } = await tsImport("../lib/demo/demo-users.ts", import.meta.url);
  console.log(`\n✔ CapLiquify is starting at http://localhost:${port}`);
  console.log("  Demo sign-ins:");
  for (const user of DEMO_USERS) console.log(`    ${user.role.padEnd(8)} ${user.email} / ${user.password}  (${user.organization})`);
  console.log("  Ctrl-C stops the web app and the worker.\n");

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // If either process dies on its own, stop the other too: half an app is not up.
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) =>
          child.on("exit", (code) => {
            if (!stopping) {
              console.error(`\n✖ ${child === children[0] ? "The web app" : "The worker"} exited (code ${code}); stopping.`);
              process.exitCode = 1;
              stop("SIGTERM");
            }
            resolve();
          }),
        ),
    ),
  );
});
