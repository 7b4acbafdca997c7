import { tmpdir } from "node:os";
import { join } from "node:path";
import { QUEUE_KEYS } from "../lib/jobs/queue-keys";
/**
 * Settings shared by the Playwright config, the preparation step and the tests. The suite owns a
 * database and a Redis key prefix of its own and wipes them on every run, so it refuses anything
 * that is not on this machine.
 */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/capliquify_e2e";
export const E2E_REDIS_URL = process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379";
export const E2E_REDIS_PREFIX = process.env.E2E_REDIS_PREFIX ?? "{capliquify-e2e}";
/** Signs test sessions only; never used outside this suite. */
export const E2E_NEXTAUTH_SECRET = "capliquify-e2e-secret-not-for-production";
/** 32 bytes of hex: seals the suite's integration credentials. */
export const E2E_INTEGRATION_SECRET_KEY = "e2e0".repeat(16);
/** `next start` is production: push needs a configured pair. Made for this suite only. */
const E2E_VAPID = {
  VAPID_PUBLIC_KEY: "BEa99XPmkG7_Ov90g2BBRQN49_K86d1BtaMG27M444zdXJqckMV8U0w5fsjGcwVGaYhkI9Ax_WDSPwUyDzrOzJ0",
  VAPID_PRIVATE_KEY: "LaivNzBRbUWa7klUYVwyVZ-pfPqYC9bVjbrNPxi6zVw",
  VAPID_SUBJECT: "mailto:e2e@capliquify.invalid",
};

// Overridable so that two checkouts (or two people) can run the suite side by side.
const AUTH_DIR = process.env.E2E_AUTH_DIR ?? "e2e/.auth";
export const AUTH_FILES = { planner: `${AUTH_DIR}/planner.json`, admin: `${AUTH_DIR}/admin.json`, acme: `${AUTH_DIR}/acme.json` } as const;

/** The seed's demo sign-ins: Northwind's planner, the platform's admin, and the planner of the second organisation, Acme. */
export const DEMO = {
  planner: { email: "planner@capliquify.test", password: "planner-demo-123", name: "Pat Planner" },
  admin: { email: "admin@capliquify.test", password: "admin-demo-123", name: "Ada Admin" },
  acme: { email: "planner@acme.test", password: "acme-demo-123", name: "Quinn Planner" },
} as const;

/**
 * The one queue the suite's worker leaves unserved, so specs can hold jobs that wait (the queue
 * dashboard's counts, the "no worker" alert) or serve it with a worker of their own (cancelling
 * a running job): whatever processors exist, the others' jobs run.
 */
export const UNSERVED_QUEUE = "sync";
export const SUITE_WORKER_QUEUES = QUEUE_KEYS.filter((key) => key !== UNSERVED_QUEUE).join(",");

/** Environment of the web and worker processes the suite starts. */
export function serverEnv(): Record<string, string> {
  return {
    DATABASE_URL: E2E_DATABASE_URL,
    REDIS_URL: E2E_REDIS_URL,
    REDIS_PREFIX: E2E_REDIS_PREFIX,
    NEXTAUTH_URL: BASE_URL,
    NEXTAUTH_SECRET: E2E_NEXTAUTH_SECRET,
    INTEGRATION_SECRET_KEY: E2E_INTEGRATION_SECRET_KEY,
    ...E2E_VAPID,
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
    // Queue alerts: checked every few seconds and "no worker" raised at once, so alerts.spec
    // sees one fire and resolve within a test's time.
    ALERT_EVALUATE_EVERY_SECONDS: "3",
    ALERT_NO_WORKER_MINUTES: "0",
    // Web (downloads) and worker (writes) share it; outside the checkout, one per suite port.
    EXPORT_DIR: process.env.E2E_EXPORT_DIR ?? join(tmpdir(), `capliquify-e2e-exports-${E2E_PORT}`),
  };
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Throws unless `url` points at this machine (and, for databases, at a database meant for e2e). */
export function assertLocal(url: string, what: "database" | "redis"): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`E2E ${what} URL is not a URL: ${url}`);
  }
  if (!LOCAL_HOSTS.has(parsed.hostname)) {
    throw new Error(`Refusing to run e2e tests against a non-local ${what} (${parsed.hostname}); they drop and rewrite its data.`);
  }
  // "_e2e" or "_e2e_<suffix>": one database per checkout running the suite side by side.
  if (what === "database" && !/_e2e(_[a-z0-9]+)?$/.test(parsed.pathname.slice(1))) {
    throw new Error(`Refusing to use database "${parsed.pathname.slice(1)}" for e2e tests; its name must end in _e2e (or _e2e_<suffix>) because it is dropped on every run.`);
  }
}
