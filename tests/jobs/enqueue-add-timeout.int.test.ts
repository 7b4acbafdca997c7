import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { enqueueError } from "@/lib/api/enqueue-response";
import { errorResponse } from "@/lib/api/handler";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { enqueueJob, enqueueJobs, type EnqueueFailure } from "@/lib/jobs/enqueue-job";
import { QueueManager, queueManager } from "@/lib/jobs/queue-manager";
import { createRedis, sharedRedis } from "@/lib/redis";
import { createTestProduct, createTestUser, type TestUser } from "../helpers/fixtures";
import { ReplyHoldingProxy } from "../helpers/redis-proxy";

/**
 * The window between "Redis ran the add" and "the web process heard so": a reply held back past
 * the producer's command timeout. Whatever the interleaving, a job Redis holds keeps its ledger
 * row, and a row is removed only when Redis is known not to hold its job.
 */
const COMMAND_TIMEOUT_MS = 300;

let proxy: ReplyHoldingProxy;
let connection: Redis;
let queues: QueueManager;
let planner: TestUser;
let productId: string;

beforeAll(async () => {
  proxy = await ReplyHoldingProxy.start(env().REDIS_URL);
  connection = createRedis("producer", proxy.url, { commandTimeout: COMMAND_TIMEOUT_MS });
  queues = new QueueManager({ connection, prefix: env().REDIS_PREFIX });
  await queues.queue("forecast").waitUntilReady();
  planner = await createTestUser("PLANNER");
  productId = (await createTestProduct(0)).id;
});

afterAll(async () => {
  proxy.release();
  await queues.close();
  connection.disconnect();
  await proxy.close();
});

const launch = (name: string) => ({ queue: "forecast" as const, name, data: { productId, horizon: 7 }, owner: planner.principal });
const runOf = (id: string) => db().jobRun.findUnique({ where: { id } });
/** Asked over an ordinary connection, not through the proxy. */
const inRedis = async (id: string) => (await queueManager().getJob("forecast", id)) !== undefined;

describe("queue.add times out after Redis accepted the job", () => {
  it("the reply comes late: Redis is asked, holds the job, and the launch succeeds with its row", async () => {
    proxy.holdReplies(1_200);
    const started = performance.now();
    const result = await enqueueJob(launch("late-reply"), { queues, confirmWithinMs: 5_000 });
    // The add's reply was held four times past the command timeout, so the add itself failed.
    expect(performance.now() - started).toBeGreaterThan(1_000);
    expect(result).toMatchObject({ ok: true, state: "waiting", deduplicated: false });
    const jobId = (result as { jobId: string }).jobId;
    expect(await runOf(jobId)).toMatchObject({ state: "WAITING", ownerId: planner.id });
    expect(await inRedis(jobId)).toBe(true);
  });

  it("Redis does not answer at all: the row stays for reconciliation, the answer is 'unconfirmed', and a retry with the key returns that job", async () => {
    const idempotencyKey = `unanswered-${randomUUID()}`;
    const runsBefore = await db().jobRun.count({ where: { ownerId: planner.id, name: "no-answer" } });
    proxy.holdReplies("forever");
    // Idempotency keys live on the ordinary connection: only the queue's replies are held.
    const result = await enqueueJob({ ...launch("no-answer"), idempotencyKey }, { queues, redis: sharedRedis(), confirmWithinMs: 800 });
    expect(result).toMatchObject({ ok: false, code: "unconfirmed" });
    expect(enqueueError(result as EnqueueFailure, { root: "body.data", idempotencyKey: { key: idempotencyKey, path: "headers.idempotency-key" } }).status).toBe(503);
    const [jobId] = (result as { jobIds: string[] }).jobIds;
    // Redis ran the add; only its answer is missing. The row was not removed.
    expect(await runOf(jobId!)).toMatchObject({ state: "WAITING" });
    expect(await inRedis(jobId!)).toBe(true);
    proxy.release();

    const retry = await enqueueJob({ ...launch("no-answer"), idempotencyKey }, { queues, redis: sharedRedis() });
    expect(retry).toMatchObject({ ok: true, jobId, deduplicated: true });
    expect(await db().jobRun.count({ where: { ownerId: planner.id, name: "no-answer" } })).toBe(runsBefore + 1);
    // The pending replies drained in order: the connection is usable again.
    await vi.waitFor(async () => expect(await connection.ping()).toBe("PONG"), { timeout: 5_000 });
  });

  it("a bulk launch whose pipeline reply comes late keeps every row and succeeds", async () => {
    proxy.holdReplies(1_200);
    const jobs = Array.from({ length: 50 }, (_, index) => ({ name: "late-bulk", data: { productId, horizon: 1 + index } }));
    const result = await enqueueJobs({ queue: "forecast", jobs, owner: planner.principal }, { queues, confirmWithinMs: 5_000 });
    expect(result.ok).toBe(true);
    const ids = (result as { jobs: { jobId: string }[] }).jobs.map((job) => job.jobId);
    expect(await db().jobRun.count({ where: { id: { in: ids } } })).toBe(50);
    expect((await queueManager().existingJobIds("forecast", ids)).size).toBe(50);
  });
});

describe("Redis refuses the add", () => {
  let server: ChildProcess;
  let dir: string;
  let refusing: Redis;
  let refusingQueues: QueueManager;

  beforeAll(async () => {
    // A private Redis that is out of memory: it answers, but refuses every write, the add included.
    dir = mkdtempSync(join(tmpdir(), "enqueue-oom-"));
    const port = 36_000 + Math.floor(Math.random() * 2_000);
    server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--maxmemory-policy", "noeviction"], { stdio: "ignore" });
    refusing = createRedis("producer", `redis://127.0.0.1:${port}`);
    await vi.waitFor(async () => expect(await refusing.ping()).toBe("PONG"), { timeout: 10_000, interval: 100 });
    refusingQueues = new QueueManager({ connection: refusing, prefix: env().REDIS_PREFIX });
    await refusingQueues.queue("forecast").waitUntilReady();
    // Ballast past the limit, then the limit: used memory stays above it, so every write is refused.
    await refusing.set("ballast", "x".repeat(4 * 1024 * 1024));
    await refusing.config("SET", "maxmemory", "2mb");
    await expect(refusing.set("probe", "x")).rejects.toThrow(/OOM/);
  });

  afterAll(async () => {
    await refusingQueues.close();
    refusing.disconnect();
    server.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("nothing was added, so the row goes and the API answers 503", async () => {
    const before = await db().jobRun.count({ where: { ownerId: planner.id, name: "refused" } });
    const failure = await enqueueJob(launch("refused"), { queues: refusingQueues }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/OOM/);
    expect(await db().jobRun.count({ where: { ownerId: planner.id, name: "refused" } })).toBe(before);
    expect(errorResponse(failure).status).toBe(503);
  });
});
