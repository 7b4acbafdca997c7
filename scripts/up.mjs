// `npm run up` — everything from a fresh clone: install, check services, migrate, seed, build,
// then run the web app, one worker and the demo Shopify shop together until Ctrl-C.
import { spawn } from "node:child_process";
import { createECDH, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled } from "./ensure-installed.mjs";

ensureInstalled();
const services = await import("./services.mjs");
const { root, runMain, checkRedis, ensureDatabase, migrate, run, ServiceError, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } = services;

/**
 * `next start` runs in production mode, which refuses built-in secrets. For a local start we make
 * one secret of each kind per checkout and keep it in .env.local (not committed), so sessions and
 * sealed integration credentials survive restarts.
 */
function localSecret(name, what) {
  const file = join(root, ".env.local");
  const existing = existsSync(file) ? readFileSync(file, "utf8").match(new RegExp(`^${name}=(.+)$`, "m"))?.[1] : undefined;
  if (existing) return existing;
  const secret = randomBytes(32).toString("base64");
  appendFileSync(file, `${name}=${secret}\n`);
  console.log(`  Created ${what} in .env.local`);
  return secret;
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

/**
 * Starts the fake Shopify (scripts/fakes/shopify.ts) and resolves with its address once it
 * listens; its output goes on to this terminal. A port already taken fails `npm run up` here,
 * with the fake's own message, rather than later at the first sync.
 */
function startDemoShop({ env, args }) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "scripts/fakes/shopify.ts"), ...args], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk) => {
      process.stdout.write(chunk);
      seen += chunk;
      const url = /Fake Shopify at (\S+)/.exec(seen)?.[1];
      if (url) {
        child.stdout.off("data", onData);
        child.stdout.pipe(process.stdout);
        resolve({ child, url });
      }
    };
    child.stdout.on("data", onData);
    child.on("exit", (code) => reject(new ServiceError(`The demo Shopify shop did not start (exit ${code}); is port ${env.DEMO_SHOP_PORT} free? Set DEMO_SHOP_PORT to use another.`)));
  });
}

runMain(async () => {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const port = process.env.PORT ?? "3000";
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? localSecret("NEXTAUTH_SECRET", "a session secret"),
    INTEGRATION_SECRET_KEY: process.env.INTEGRATION_SECRET_KEY ?? localSecret("INTEGRATION_SECRET_KEY", "an integration credentials key"),
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? localSetting("NEXTAUTH_SECRET", () => randomBytes(32).toString("base64url")),
    ...(process.env.VAPID_PRIVATE_KEY ? {} : localVapidKeys()),
    VAPID_SUBJECT: process.env.VAPID_SUBJECT ?? "mailto:push@capliquify.invalid",
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    NEXT_TELEMETRY_DISABLED: "1",
    DEMO_SHOP_PORT: process.env.DEMO_SHOP_PORT ?? "4100",
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

  const { tsImport } = await import("tsx/esm/api");
  const { DEMO_USERS } = await tsImport("../lib/demo/demo-users.ts", import.meta.url);
  const { DEMO_SHOP, demoShopSkus, demoShopLocations } = await tsImport("../lib/demo/demo-shop.ts", import.meta.url);
  console.log("\n▸ Starting the demo Shopify shop");
  const shop = await startDemoShop({
    env,
    args: [
      ["--port", env.DEMO_SHOP_PORT],
      ["--token", DEMO_SHOP.accessToken],
      ["--skus", demoShopSkus(Number(env.SEED_PRODUCTS ?? 60)).join(",")],
      ["--unknown-skus", DEMO_SHOP.unknownSkus.join(",")],
      ["--locations", demoShopLocations().join(",")],
    ].flat(),
  });

  const children = [
    { label: "The demo shop", child: shop.child },
    { label: "The web app", child: spawn("npx", ["next", "start", "-p", port], { cwd: root, env, stdio: "inherit" }) },
    { label: "The worker", child: spawn(process.execPath, ["--import", "tsx", join(root, "worker/main.ts")], { cwd: root, env, stdio: "inherit" }) },
  ];
  console.log(`\n✔ CapLiquify is starting at http://localhost:${port}`);
  console.log("  Demo sign-ins:");
  for (const user of DEMO_USERS) console.log(`    ${user.role.padEnd(8)} ${user.email} / ${user.password}  (${user.organization})`);
  console.log(`  Demo Shopify shop (a local fake) at ${shop.url}: sign in as the admin, open Integrations, press Sync now on "${DEMO_SHOP.name}".`);
  console.log("  Ctrl-C stops the web app, the worker and the demo shop.\n");

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    for (const { child } of children) child.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // If one process dies on its own, stop the others too: half an app is not up.
  await Promise.all(
    children.map(
      ({ label, child }) =>
        new Promise((resolve) =>
          child.on("exit", (code) => {
            if (!stopping) {
              console.error(`\n✖ ${label} exited (code ${code}); stopping.`);
              process.exitCode = 1;
              stop("SIGTERM");
            }
            resolve();
          }),
        ),
    ),
  );
});
