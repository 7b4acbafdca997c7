import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import { expect, vi } from "vitest";
import { db } from "@/lib/db";
import { queueDefinition, type QueueKey } from "@/lib/jobs/catalog";
import { createRedis } from "@/lib/redis";
import { buildRequest, type CallOptions } from "../helpers/fixtures";

/** The origin the fixtures' `call` uses (host localhost:3000): what a same-origin browser sends. */
export const SAME_ORIGIN = { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" } as const;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Like the fixtures' `call`, but safe for streaming routes: an event stream is not read to the end
 * (it never ends); the request is aborted and only the status and headers are returned.
 */
export async function invoke(handler: Handler, options: CallOptions = {}) {
  const abort = new AbortController();
  const request = buildRequest(options, abort.signal);
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    abort.abort();
    await response.body?.cancel().catch(() => {});
    return { status: response.status, json: undefined as any, text: "", headers: response.headers };
  }
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

/** BullMQ objects the tests open themselves, closed together in afterAll. */
export class BullmqScope {
  private readonly closers: (() => Promise<unknown>)[] = [];
  readonly prefix = process.env.REDIS_PREFIX!;

  queue(key: QueueKey): Queue {
    const connection = createRedis("worker");
    const queue = new Queue(queueDefinition(key).name, { connection, prefix: this.prefix });
    this.closers.push(async () => {
      await queue.close();
      connection.disconnect();
    });
    return queue;
  }

  /** A worker whose processor is `processor`; one job at a time, so order is deterministic. */
  worker(key: QueueKey, processor: (job: Job) => Promise<unknown>): Worker {
    const connection = createRedis("worker");
    const worker = new Worker(queueDefinition(key).name, processor, { connection, prefix: this.prefix, concurrency: 1 });
    worker.on("error", () => {});
    this.closers.push(async () => {
      await worker.close();
      connection.disconnect();
    });
    return worker;
  }

  /**
   * Runs a worker on `key` that fails every job for good (UnrecoverableError skips the remaining
   * attempts) until `count` jobs have failed, then closes it.
   */
  async failJobs(key: QueueKey, count: number, reason = (job: Job) => `boom ${job.id}`): Promise<void> {
    let failed = 0;
    const worker = this.worker(key, async (job) => {
      throw new UnrecoverableError(reason(job));
    });
    worker.on("failed", () => (failed += 1));
    await vi.waitFor(() => {
      if (failed < count) throw new Error(`${failed}/${count} failed`);
    }, { timeout: 10_000, interval: 20 });
    await worker.close();
  }

  /** Runs a worker on `key` that completes every job until `count` have completed, then closes it. */
  async completeJobs(key: QueueKey, count: number): Promise<void> {
    let completed = 0;
    const worker = this.worker(key, async () => ({ ok: true }));
    worker.on("completed", () => (completed += 1));
    await vi.waitFor(() => {
      if (completed < count) throw new Error(`${completed}/${count} completed`);
    }, { timeout: 10_000, interval: 20 });
    await worker.close();
  }

  async close(): Promise<void> {
    await Promise.all(this.closers.splice(0).map((close) => close().catch(() => {})));
  }
}

/** Ledger rows owned by a user. */
export function runsOf(ownerId: string) {
  return db().jobRun.findMany({ where: { ownerId }, orderBy: { createdAt: "asc" } });
}

/** What a 4xx body must look like, and what it must never contain. */
export function expectErrorShape(json: any, code: string) {
  expect(json?.error, `no error body: ${JSON.stringify(json)}`).toBeDefined();
  expect(json.error.code).toBe(code);
  expect(json.error.message).toEqual(expect.any(String));
  expect(json.error.message.length).toBeGreaterThan(0);
  expect(Array.isArray(json.error.details)).toBe(true);
  expectNoLeak(JSON.stringify(json));
}

/** No connection strings, stack frames or library internals in anything a client reads. */
export function expectNoLeak(text: string) {
  for (const leak of [/prisma/i, /ioredis/i, /\n\s+at /, /node_modules/, /redis:\/\//, /postgres(ql)?:\/\//, /stack/i]) {
    expect(text, `leaks ${leak}`).not.toMatch(leak);
  }
}
