import { readFileSync } from "node:fs";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import pino from "pino";
import { createDb, disconnectDb, type Db } from "../lib/db";
import { PrismaClient } from "../lib/generated/prisma/client";
import { progressStep } from "../lib/jobs/catalog";
import type { QueueManager } from "../lib/jobs/queue-manager";
import { createRedis } from "../lib/redis";
import { processors } from "../worker/processors";
import { WorkerManager } from "../worker/worker-manager";
import { config } from "./config";
import { enqueueForecasts, type Owner } from "./forecast";
import { sleep } from "./processes";
import { deleteBenchKeys, resetRunTables, type SeededProduct } from "./setup";
import { byComm, byPid, cpuSnapshot, cpuUsage, type CpuGroup, type CpuUsage } from "./system";
import { mean, quantile } from "./table";

/**
 * Where the time of one forecast job goes. The real WorkerManager and forecast processor run in
 * this process at concurrency 1 (so nothing waits on anything else), with three probes that leave
 * the code under test untouched: the processor's `step` is wrapped to timestamp each step, the
 * Prisma client logs every SQL statement it sends, and the worker's Redis connection counts the
 * commands it sends.
 */
export interface PhaseStats {
  phase: string;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  /** Mean CPU time of the whole process (main thread, task thread, GC) during the step. */
  cpuMs: number;
  /** Mean CPU time of the main thread alone. */
  mainCpuMs: number;
  /** Mean time the main thread was runnable but had no core. */
  waitMs: number;
}

export interface CountStats {
  name: string;
  perJob: number;
  meanMs?: number;
}

export interface Profile {
  jobs: number;
  phases: PhaseStats[];
  sql: CountStats[];
  redis: CountStats[];
  cpu: CpuUsage;
  /** First compute step of a fresh worker: includes starting its task thread. */
  coldComputeMs: number;
}

/**
 * A point in time: by the clock, by this process's CPU time (ms, all threads) and, from
 * /proc/self/schedstat (ns precision, Linux), the main thread's own CPU time and the time it sat
 * runnable waiting for a core — the direct measure of how much a busy machine slowed a step.
 */
interface Mark {
  at: number;
  cpu: number;
  main: number;
  wait: number;
}

interface Marks {
  active?: Mark;
  start: Mark;
  end?: Mark;
  completed?: Mark;
  progress: Map<number, { call: Mark; ret: Mark }>;
}

function schedstat(): { main: number; wait: number } {
  try {
    const [run, wait] = readFileSync("/proc/self/schedstat", "utf8").split(" ").map(Number);
    return { main: run! / 1e6, wait: wait! / 1e6 };
  } catch {
    return { main: Number.NaN, wait: Number.NaN };
  }
}

function mark(): Mark {
  const cpu = process.cpuUsage();
  return { at: performance.now(), cpu: (cpu.user + cpu.system) / 1000, ...schedstat() };
}

/** Groups SQL by verb and table, e.g. `INSERT ForecastPoint`, `BEGIN`. */
function sqlLabel(query: string): string {
  const verb = query.trim().split(/\s+/)[0]!.toUpperCase();
  const table = /(?:from|into|update)\s+"?(?:public"?\."?)?"?(\w+)"?/i.exec(query)?.[1];
  return table ? `${verb} ${table}` : verb;
}

export async function runProfile(products: readonly SeededProduct[], owner: Owner, deps: { db: Db; queues: QueueManager }): Promise<Profile> {
  await deleteBenchKeys();
  await resetRunTables(deps.db);
  const queue = deps.queues.queue("forecast");

  const sql = new Map<string, { count: number; ms: number }>();
  let counting = false;
  const db = createDb(config.databaseUrl, { log: [{ emit: "event", level: "query" }] }) as unknown as PrismaClient<"query">;
  db.$on("query", (event) => {
    if (!counting) return;
    const entry = sql.get(sqlLabel(event.query)) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += event.duration;
    sql.set(sqlLabel(event.query), entry);
  });

  const commands = new Map<string, number>();
  let connection: Redis | undefined;
  const createConnection = () => {
    const client = createRedis("worker", config.redisUrl);
    connection ??= client;
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((command: { name: string; args: unknown[] }, stream?: unknown) => {
      if (counting) {
        const name = command.name === "evalsha" ? `evalsha:${String(command.args[0])}` : command.name;
        commands.set(name, (commands.get(name) ?? 0) + 1);
      }
      return send(command as never, stream as never);
    }) as typeof client.sendCommand;
    return client;
  };

  const marks = new Map<string, Marks>();
  const marksOf = (id: string) => {
    let entry = marks.get(id);
    if (!entry) marks.set(id, (entry = { start: mark(), progress: new Map() }));
    return entry;
  };
  const probe: typeof processors.forecast = {
    ...processors.forecast,
    async run(job, context) {
      const entry = marksOf(job.id);
      entry.start = mark();
      const probed: typeof context = {
        ...context,
        async step(id) {
          const call = mark();
          await context.step(id);
          entry.progress.set(progressStep("forecast", id).percent, { call, ret: mark() });
        },
      };
      try {
        return await processors.forecast.run(job, probed);
      } finally {
        entry.end = mark();
      }
    },
  };

  const manager = new WorkerManager({
    queues: ["forecast"],
    processors: { forecast: probe },
    db: db as unknown as Db,
    createConnection,
    prefix: config.prefix,
    logger: pino({ level: "warn" }),
    heartbeatIntervalMs: 10_000,
    shutdownTimeoutMs: 10_000,
    settings: { forecast: { concurrency: 1 } },
  });
  const isDone = (id: string) => marks.get(id)?.completed !== undefined;
  try {
    await manager.start();
    const worker = manager.getWorker("forecast")!;
    // "active" fires before the manager's ledger update and the processor; "completed" after
    // BullMQ has stored the result.
    worker.on("active", (job: Job) => (marksOf(job.id!).active = mark()));
    worker.on("completed", (job: Job) => (marksOf(job.id!).completed = mark()));

    const warmup = await enqueueForecasts(products.slice(0, 5), "warmup", owner, deps);
    while (!warmup.ids.every(isDone)) await sleep(20);
    const coldFirst = marks.get(warmup.ids[0]!)!;
    const coldComputeMs = coldFirst.progress.get(60)!.call.at - coldFirst.progress.get(30)!.ret.at;

    await queue.pause();
    const measured = await enqueueForecasts(products, "forecast", owner, deps);
    const groups: CpuGroup[] = [byPid("worker (in-process)", process.pid), byComm("postgres", "postgres"), byComm("redis", "redis-server")];
    const before = cpuSnapshot(groups);
    counting = true;
    await queue.resume();
    const deadline = Date.now() + Math.max(120_000, products.length * 1_000);
    while (!measured.ids.every(isDone)) {
      if (Date.now() > deadline) throw new Error("profile jobs did not finish in time");
      await sleep(20);
    }
    await sleep(200); // let the last completion's ledger update and event land in the counts
    counting = false;
    const cpu = cpuUsage(before, cpuSnapshot(groups), groups);

    const jobs = await Promise.all(measured.ids.map((id) => queue.getJob(id)));
    const failed = jobs.filter((job) => !job?.finishedOn || job.failedReason);
    if (failed.length > 0) throw new Error(`${failed.length} profile jobs failed: ${failed[0]?.failedReason}`);

    type Span = Mark;
    const rows: [string, Span[]][] = [];
    const span = (from: Mark, to: Mark): Span => ({ at: to.at - from.at, cpu: to.cpu - from.cpu, main: to.main - from.main, wait: to.wait - from.wait });
    const sum = (spans: Span[]): Span =>
      spans.reduce(
        (total, item) => ({ at: total.at + item.at, cpu: total.cpu + item.cpu, main: total.main + item.main, wait: total.wait + item.wait }),
        { at: 0, cpu: 0, main: 0, wait: 0 },
      );
    const all = measured.ids.map((id) => marks.get(id)!);
    const step = (m: Marks, from: number, to: number) => span(m.progress.get(from)!.ret, m.progress.get(to)!.call);
    rows.push(["picked up → processor (ledger ACTIVE update)", all.map((m) => span(m.active!, m.start))]);
    rows.push(["load product + 730 sales rows", all.map((m) => step(m, 10, 20))]);
    rows.push(["preprocess (main thread)", all.map((m) => step(m, 20, 30))]);
    rows.push(["forecast models (task thread)", all.map((m) => step(m, 30, 60))]);
    rows.push(["ensemble + accuracy", all.map((m) => sum([step(m, 60, 80), step(m, 80, 90)]))]);
    rows.push(["save forecast (transaction)", all.map((m) => step(m, 90, 100))]);
    rows.push(["7 × progress (updateProgress + XADD)", all.map((m) => sum([...m.progress.values()].map((p) => span(p.call, p.ret))))]);
    rows.push(["processor → completed (moveToFinished)", all.map((m) => span(m.end!, m.completed!))]);
    rows.push(["total (active → completed)", all.map((m) => span(m.active!, m.completed!))]);

    const scriptNames = new Map<string, string>();
    for (const [name, script] of Object.entries((connection as unknown as { scriptsSet: Record<string, { sha: string }> }).scriptsSet ?? {})) {
      scriptNames.set(`evalsha:${script.sha}`, `EVALSHA ${name}`);
    }
    const jobCount = measured.ids.length;
    return {
      jobs: jobCount,
      phases: rows.map(([phase, spans]) => {
        const sorted = spans.map((item) => item.at).sort((a, b) => a - b);
        return {
          phase,
          meanMs: mean(sorted),
          p50Ms: quantile(sorted, 0.5),
          p95Ms: quantile(sorted, 0.95),
          cpuMs: mean(spans.map((item) => item.cpu)),
          mainCpuMs: mean(spans.map((item) => item.main)),
          waitMs: mean(spans.map((item) => item.wait)),
        };
      }),
      sql: [...sql.entries()]
        .map(([name, entry]) => ({ name, perJob: entry.count / jobCount, meanMs: entry.ms / entry.count }))
        .sort((a, b) => b.perJob - a.perJob),
      redis: [...commands.entries()]
        .map(([name, count]) => ({ name: scriptNames.get(name) ?? name.toUpperCase(), perJob: count / jobCount }))
        .sort((a, b) => b.perJob - a.perJob),
      cpu,
      coldComputeMs,
    };
  } finally {
    await manager.stop(10_000);
    await disconnectDb(db);
  }
}
