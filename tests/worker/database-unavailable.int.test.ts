import { Queue, type Worker } from "bullmq";
import pg from "pg";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { isDatabaseUnavailableError } from "@/lib/db";
import { createRedis } from "@/lib/redis";
import { createQueueWorker } from "@/worker/queue-worker";
import { waitFor } from "../helpers/worker";

const prefix = process.env.REDIS_PREFIX!;
const closers: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function queue(name: string): Queue {
  const connection = createRedis("worker");
  const created = new Queue(name, { connection, prefix });
  closers.push(async () => {
    await created.obliterate({ force: true });
    await created.close();
    connection.disconnect();
  });
  return created;
}

function worker(name: string, process: () => Promise<unknown>): Worker {
  const connection = createRedis("worker");
  const created = createQueueWorker(name, async () => process(), {
    connection,
    prefix,
    logger: pino({ level: "silent" }),
    concurrency: 1,
    maxStalledCount: 1,
    databaseRetryMs: 200,
  });
  closers.push(async () => {
    await created.close(true);
    connection.disconnect();
  });
  return created;
}

/** The error node-postgres gives when nothing listens on the port, as while PostgreSQL is stopped. */
async function refusedConnectionError(): Promise<Error> {
  const client = new pg.Client({ connectionString: "postgresql://nobody@127.0.0.1:1/none", connectionTimeoutMillis: 2_000 });
  client.on("error", () => {});
  return client.connect().then(
    () => {
      throw new Error("port 1 accepted a connection");
    },
    (error: Error) => error,
  );
}

describe("an attempt that fails because PostgreSQL is unreachable", () => {
  it("recognises a refused connection and a server shutting down or starting up", async () => {
    expect(isDatabaseUnavailableError(await refusedConnectionError())).toBe(true);
    const shuttingDown = Object.assign(new Error("the database system is shutting down"), { code: "57P03" });
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
    expect(isDatabaseUnavailableError(shuttingDown)).toBe(true);
    expect(isDatabaseUnavailableError(terminated)).toBe(true);
    expect(isDatabaseUnavailableError(Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: "23505" }))).toBe(false);
  });

  it("puts the job back without spending an attempt, so an outage longer than the backoff fails nothing", async () => {
    const name = "db-outage-queue";
    const jobs = queue(name);
    const outage = await refusedConnectionError();
    let calls = 0;
    // One attempt allowed: without the retry the first refused connection would fail the job for good.
    await jobs.add("job", {}, { attempts: 1 });
    worker(name, async () => {
      calls++;
      if (calls <= 3) throw outage;
      return { ok: true };
    });
    const completed = await waitFor(async () => ((await jobs.getJobs(["completed"])).length === 1 ? (await jobs.getJobs(["completed"]))[0] : null), 20_000);
    expect(calls).toBe(4);
    expect(completed.returnvalue).toEqual({ ok: true });
    expect(completed.attemptsMade).toBe(1);
    expect(await jobs.getFailedCount()).toBe(0);
  });

  it("other errors still fail the attempt", async () => {
    const name = "db-other-error-queue";
    const jobs = queue(name);
    await jobs.add("job", {}, { attempts: 1 });
    worker(name, async () => {
      throw Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: "23505" });
    });
    const failed = await waitFor(async () => (await jobs.getJobs(["failed"]))[0], 20_000);
    expect(failed.failedReason).toContain("duplicate key");
  });
});
