import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, disconnectDb, sqlPool, type Db } from "@/lib/db";
import { createRunsGrouped, type NewRun } from "@/lib/jobs/ledger";
import { createTestUser, type TestUser } from "../helpers/fixtures";

/**
 * Launches made at the same moment share one ledger INSERT; each still learns its own outcome and
 * is answered only once its own row is written.
 */
let db: Db;
let planner: TestUser;
const statements: string[] = [];

beforeAll(async () => {
  // A client of its own, so that its statements can be counted.
  db = createDb(process.env.DATABASE_URL!);
  const pool = sqlPool(db);
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (config: unknown, ...rest: unknown[]) => {
    const text = typeof config === "string" ? config : (config as { text: string }).text;
    if (text.includes(`INSERT INTO "JobRun"`)) statements.push(text);
    return query(config, ...rest);
  };
  planner = await createTestUser("PLANNER");
});

afterAll(async () => {
  await disconnectDb(db);
});

const run = (ownerId = planner.id): NewRun => ({
  id: randomUUID(),
  queue: "forecast",
  name: "grouped",
  ownerId,
  organizationId: planner.organizationId,
  data: { productId: "p", horizon: 7 },
  delayed: false,
});

const stored = async (ids: string[]) => (await db.jobRun.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((row) => row.id).sort();

describe("createRunsGrouped", () => {
  it("writes launches made together in fewer INSERTs than launches, every row stored once its promise resolves", async () => {
    statements.length = 0;
    const runs = Array.from({ length: 40 }, () => run());
    await Promise.all(runs.map((one) => createRunsGrouped([one], { db })));
    expect(await stored(runs.map((one) => one.id))).toEqual(runs.map((one) => one.id).sort());
    // Two go at once; the 38 that arrive meanwhile share the next statements.
    expect(statements.length).toBeLessThan(10);
  });

  it("a launch alone is written at once, in one statement", async () => {
    statements.length = 0;
    const one = run();
    await createRunsGrouped([one], { db });
    expect(statements).toHaveLength(1);
    expect(await stored([one.id])).toEqual([one.id]);
  });

  it("a row that cannot be written fails its own launch only, not those grouped with it", async () => {
    const good = Array.from({ length: 6 }, () => run());
    // No such user: the owner foreign key refuses this row.
    const bad = run(`no-such-user-${randomUUID()}`);
    const outcomes = await Promise.allSettled([...good.slice(0, 3), bad, ...good.slice(3)].map((one) => createRunsGrouped([one], { db })));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/foreign key/);
    expect(await stored(good.map((one) => one.id))).toEqual(good.map((one) => one.id).sort());
    expect(await stored([bad.id])).toEqual([]);
  });
});
