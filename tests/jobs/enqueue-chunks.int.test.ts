import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, disconnectDb, sqlPool, type Db } from "@/lib/db";
import { env } from "@/lib/env";
import type { QueueKey } from "@/lib/jobs/catalog";
import { enqueueJobs } from "@/lib/jobs/enqueue-job";
import { QueueManager } from "@/lib/jobs/queue-manager";
import { createRedis, type RedisClient } from "@/lib/redis";
import { createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";

/**
 * A large launch goes to PostgreSQL and Redis chunk by chunk, the next chunk's rows written while
 * Redis adds this chunk's jobs. Whichever chunk fails, the ledger and Redis end up holding the same
 * jobs, and the answer names exactly those.
 */
const CHUNK = 10;

/** Fails its `failAt`-th addJobs call (1-based) before sending anything, as a dropped connection would. */
class FailingAdds extends QueueManager {
  calls = 0;
  failAt = Infinity;

  override async addJobs(...args: Parameters<QueueManager["addJobs"]>) {
    if (++this.calls === this.failAt) throw new Error("Connection is closed.");
    return super.addJobs(...args);
  }
}

let db: Db;
let connection: RedisClient;
let queues: FailingAdds;
let planner: TestUser;
let productId: string;
/** Fails the `failInsertAt`-th ledger INSERT (1-based) of the next launch. */
let failInsertAt = Infinity;
let inserts = 0;

beforeAll(async () => {
  db = createDb(process.env.DATABASE_URL!);
  const pool = sqlPool(db);
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (config: unknown, ...rest: unknown[]) => {
    const text = typeof config === "string" ? config : (config as { text: string }).text;
    if (text.includes(`INSERT INTO "JobRun"`) && ++inserts === failInsertAt) return Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
    return query(config, ...rest);
  };
  connection = createRedis("producer", env().REDIS_URL);
  queues = new FailingAdds({ connection, prefix: env().REDIS_PREFIX });
  planner = await createTestUser("PLANNER");
  productId = (await createTestProduct(0)).id;
});

afterAll(async () => {
  await queues.close();
  connection.disconnect();
  await disconnectDb(db);
});

function launch(count: number, { failAddAt = Infinity, failRowsAt = Infinity } = {}) {
  queues.calls = 0;
  queues.failAt = failAddAt;
  inserts = 0;
  failInsertAt = failRowsAt;
  const jobs = Array.from({ length: count }, (_, index) => ({ name: `chunked-${index}`, data: { productId, horizon: 7 } }));
  return enqueueJobs({ queue: "forecast" as QueueKey, jobs, owner: planner.principal }, { db, queues, chunkSize: CHUNK, confirmWithinMs: 500 });
}

/** The launch's runs as the ledger and Redis hold them, by job name. */
async function held(names: string[]) {
  const rows = await db.jobRun.findMany({ where: { name: { in: names }, ownerId: planner.id }, select: { id: true } });
  const inRedis = await queues.existingJobIds("forecast", rows.map((row) => row.id));
  return { rows: rows.map((row) => row.id).sort(), inRedis: [...inRedis].sort() };
}

const names = (count: number) => Array.from({ length: count }, (_, index) => `chunked-${index}`);

describe("a launch larger than one chunk", () => {
  it("adds every job, one INSERT and one pipeline per chunk", async () => {
    await db.jobRun.deleteMany({ where: { ownerId: planner.id } });
    const result = await launch(25);
    expect(result.ok).toBe(true);
    const ids = result.ok ? result.jobs.map((job) => job.jobId).sort() : [];
    expect(ids).toHaveLength(25);
    expect(queues.calls).toBe(3);
    expect(inserts).toBe(3);
    expect(await held(names(25))).toEqual({ rows: ids, inRedis: ids });
  });

  it("Redis fails on the second chunk: the first chunk is the answer, the rows written ahead for the third are removed", async () => {
    await db.jobRun.deleteMany({ where: { ownerId: planner.id } });
    const result = await launch(25, { failAddAt: 2 });
    expect(result).toMatchObject({ ok: false, code: "partly-added", total: 25 });
    const added = result.ok || !("jobIds" in result) ? [] : [...result.jobIds].sort();
    expect(added).toHaveLength(CHUNK);
    // The third chunk's rows were being written while the second chunk's add failed.
    expect(inserts).toBe(3);
    expect(await held(names(25))).toEqual({ rows: added, inRedis: added });
  });

  it("PostgreSQL fails on the second chunk's rows: the first chunk is the answer, nothing of the rest is anywhere", async () => {
    await db.jobRun.deleteMany({ where: { ownerId: planner.id } });
    const result = await launch(25, { failRowsAt: 2 });
    expect(result).toMatchObject({ ok: false, code: "partly-added", total: 25 });
    const added = result.ok || !("jobIds" in result) ? [] : [...result.jobIds].sort();
    expect(added).toHaveLength(CHUNK);
    expect(queues.calls).toBe(1);
    expect(await held(names(25))).toEqual({ rows: added, inRedis: added });
  });

  it("a failure on the first chunk adds nothing and is the launch's error", async () => {
    await db.jobRun.deleteMany({ where: { ownerId: planner.id } });
    await expect(launch(25, { failAddAt: 1 })).rejects.toThrow("Connection is closed.");
    expect(await held(names(25))).toEqual({ rows: [], inRedis: [] });
  });
});
