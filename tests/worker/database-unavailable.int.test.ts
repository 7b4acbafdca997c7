import { Queue, type Worker } from "bullmq";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { isDatabaseOutage, isDatabaseUnavailableError, sqlPool, type Db } from "@/lib/db";
import { createRedis } from "@/lib/redis";
import { createQueueWorker } from "@/worker/queue-worker";
import { flakyDb, type FlakyDb } from "../helpers/flaky-db";
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

function database(): FlakyDb {
  const flaky = flakyDb();
  closers.push(() => flaky.close());
  return flaky;
}

function worker(name: string, db: Db, process: () => Promise<unknown>): Worker {
  const connection = createRedis("worker");
  const created = createQueueWorker(name, async () => process(), {
    connection,
    prefix,
    db,
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

/** What an HTTP client (a provider's API, a webhook) gives when nothing listens on its port. */
async function externalRefusedError(): Promise<Error> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return new Promise((resolve) => http.get(`http://127.0.0.1:${port}/`).on("error", resolve));
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
    const flaky = database();
    // Every statement refused, the worker's own ping as well: PostgreSQL is away.
    flaky.fail(/./);
    let calls = 0;
    // One attempt allowed: without the retry the first refused statement would fail the job for good.
    await jobs.add("job", {}, { attempts: 1 });
    worker(name, flaky.db, async () => {
      if (++calls === 3) flaky.heal();
      await sqlPool(flaky.db).query("SELECT 1");
      return { ok: true };
    });
    const completed = await waitFor(async () => (await jobs.getJobs(["completed"]))[0], 20_000);
    expect(calls).toBe(3);
    expect(completed.returnvalue).toEqual({ ok: true });
    expect(completed.attemptsMade).toBe(1);
    expect(await jobs.getFailedCount()).toBe(0);
  });

  it("a refused connection to another server, PostgreSQL being fine, spends the attempt and fails the job", async () => {
    const name = "db-external-refused-queue";
    const jobs = queue(name);
    const flaky = database();
    const refused = await externalRefusedError();
    // Shaped exactly like pg's refused connection: only asking PostgreSQL tells the two apart.
    expect(isDatabaseUnavailableError(refused)).toBe(true);
    expect(await isDatabaseOutage(flaky.db, refused)).toBe(false);
    let calls = 0;
    await jobs.add("job", {}, { attempts: 2, backoff: { type: "fixed", delay: 50 } });
    worker(name, flaky.db, async () => {
      calls++;
      throw await externalRefusedError();
    });
    const failed = await waitFor(async () => (await jobs.getJobs(["failed"]))[0], 20_000);
    expect(failed.failedReason).toContain("ECONNREFUSED");
    expect(failed.attemptsMade).toBe(2);
    expect(calls).toBe(2);
  });

  it("other errors still fail the attempt", async () => {
    const name = "db-other-error-queue";
    const jobs = queue(name);
    await jobs.add("job", {}, { attempts: 1 });
    worker(name, database().db, async () => {
      throw Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: "23505" });
    });
    const failed = await waitFor(async () => (await jobs.getJobs(["failed"]))[0], 20_000);
    expect(failed.failedReason).toContain("duplicate key");
  });
});
