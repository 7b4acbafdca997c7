import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresRestart, redisRestart, seed, startApp, workerKills, type ChaosSettings, type Fixture, type ScenarioResult } from "@/scripts/chaos/scenarios";
import { ChaosStack } from "@/scripts/chaos/stack";
import { env } from "@/lib/env";

// The short version of `npm run chaos`: the same harness and scenarios, on a private Redis (AOF)
// and PostgreSQL cluster of their own, with 3 worker SIGKILLs, one Redis restart and one
// PostgreSQL stop/start. The web side is the app's route handlers under node:http
// (scripts/chaos/route-host.ts) rather than `next start`, which would need a production build.

const settings: ChaosSettings = {
  rate: 4,
  notificationShare: 0.2,
  kills: 3,
  killGapMs: [100, 400],
  redisDownMs: 2_000,
  postgresDownMs: 2_000,
  redisStop: "kill",
  postgresStop: "fast",
  loadBeforeMs: 1_000,
  loadAfterMs: 1_000,
  drainTimeoutMs: 60_000,
};

let stack: ChaosStack;
let fixture: Fixture;

beforeAll(async () => {
  stack = new ChaosStack({
    redisPort: 56379,
    postgresPort: 55432,
    webPort: 3322,
    web: "routes",
    skipBuild: true,
    concurrency: 3,
    // A killed worker's jobs come back after about lock + stalled-check interval. The lock is renewed
    // at half its duration: 2 s was too short on a loaded machine (a busy worker missed a renewal,
    // its job was taken as stalled, and a second stall failed it for good).
    lockDurationMs: 4_000,
    stalledIntervalMs: 2_000,
    maxStalledCount: env().WORKER_MAX_STALLED_COUNT,
    appendfsync: "always",
    log: () => {},
  });
  await stack.startRedis();
  await stack.createPostgres();
  fixture = await seed(stack, { products: 6, days: 120 });
  await startApp(stack);
}, 120_000);

afterAll(async () => {
  await stack?.close({ keepLogs: process.env.CHAOS_KEEP_LOGS === "1" });
}, 60_000);

/** Every accepted job accounted for: each forecast completed exactly once, each notification job still held. */
function expectSurvived(result: ScenarioResult) {
  expect(result.findings, JSON.stringify(result.findings, null, 1)).toEqual([]);
  expect(result.acceptedForecasts).toBeGreaterThan(0);
  expect(result.completed).toBe(result.acceptedForecasts);
  expect(result.held).toBe(result.acceptedNotifications);
  expect(result.duplicated).toBe(0);
  expect(result.lost).toBe(0);
  expect(result.ledgerMismatches).toBe(0);
  expect(result.otherAnswers).toBe(0);
}

describe("faults survived on purpose", () => {
  it("3 worker SIGKILLs under load: every job completes once, the ledger agrees with Redis", async () => {
    const result = await workerKills(stack, fixture, settings);
    expectSurvived(result);
  }, 120_000);

  it("a Redis crash under load: the API answers 503, then recovers; workers reconnect; accepted jobs survive (AOF)", async () => {
    const result = await redisRestart(stack, fixture, settings);
    expectSurvived(result);
    expect(result.refused).toBeGreaterThan(0);
  }, 120_000);

  it("PostgreSQL stopped under load: the API answers 503; jobs wait and finish once it is back", async () => {
    const result = await postgresRestart(stack, fixture, settings);
    expectSurvived(result);
    expect(result.refused).toBeGreaterThan(0);
  }, 120_000);
});
