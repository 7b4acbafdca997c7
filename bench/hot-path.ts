import { randomUUID, createHash } from "node:crypto";
import pg from "pg";
import { authenticateApiKey } from "../lib/auth/api-keys";
import { createDb, disconnectDb, type Db } from "../lib/db";
import { forecastRecord } from "../lib/forecasts/forecast-store";
import { PrismaClient } from "../lib/generated/prisma/client";
import { forecast, preprocess } from "../lib/forecasting";
import { dailySeries, forecastDates } from "../lib/forecasting/daily-series";
import { FORECAST_MODELS } from "../lib/jobs/catalog";
import { enqueueJob } from "../lib/jobs/enqueue-job";
import { QueueManager } from "../lib/jobs/queue-manager";
import { createRedis } from "../lib/redis";
import { config } from "./config";
import { BENCH_ORGANIZATION } from "./setup";

/**
 * The enqueue endpoint's work without HTTP or Next: each step called one at a time in this process,
 * with its CPU time (user + system, so GC helper threads count too) and the SQL statements Prisma
 * sends. Read next to the server's CPU per request in part 1 to see what Next itself adds.
 */
export interface HotPathRow {
  operation: string;
  statements: number;
  cpuMs: number;
  wallMs: number;
}

async function timeCalls(calls: number, fn: () => Promise<unknown>): Promise<{ cpuMs: number; wallMs: number }> {
  for (let index = 0; index < Math.max(20, calls / 10); index++) await fn();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let index = 0; index < calls; index++) await fn();
  const wallMs = (performance.now() - started) / calls;
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / calls, wallMs };
}

/**
 * The forecast worker's heaviest statements through Prisma and through plain pg, to size what the
 * Prisma client itself costs per job. Writes one scratch ledger row and scratch forecasts of one
 * product, removed afterwards.
 */
export async function measureWorkerQueries(productId: string, calls = 200): Promise<HotPathRow[]> {
  const db = createDb(config.databaseUrl);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  const runId = `bench-scratch-${randomUUID()}`;
  const rows: HotPathRow[] = [];
  const add = async (operation: string, statements: number, fn: () => Promise<unknown>) =>
    rows.push({ operation, statements, ...(await timeCalls(calls, fn)) });
  try {
    await db.jobRun.create({ data: { id: runId, queue: "forecast", name: "scratch", data: {} } });
    await add("Prisma salesDaily.findMany (730 rows, as the processor)", 1, () =>
      db.salesDaily.findMany({ where: { productId }, orderBy: { date: "asc" }, select: { date: true, quantity: true } }),
    );
    await add("Prisma $queryRaw, same select", 1, () =>
      db.$queryRaw`select date, quantity from "SalesDaily" where "productId" = ${productId} order by date`,
    );
    await add("pg, same select", 1, () =>
      pool.query({ name: "bench-sales", text: `select date, quantity from "SalesDaily" where "productId" = $1 order by date`, values: [productId] }),
    );
    await add("Prisma jobRun.updateMany (ledger ACTIVE, as the worker)", 1, () =>
      db.jobRun.updateMany({ where: { id: runId }, data: { state: "ACTIVE", startedAt: new Date(), attempts: 1, progress: 0, progressText: null } }),
    );
    await add("pg, same update", 1, () =>
      pool.query({
        name: "bench-run-active",
        text: `update "JobRun" set state = 'ACTIVE', "startedAt" = $2, attempts = 1, progress = 0, "progressText" = null, "updatedAt" = now() where id = $1`,
        values: [runId, new Date()],
      }),
    );

    // The forecast save, three ways, each call with a fresh job id (as a first attempt).
    const save = await sampleForecast(db as unknown as Db, productId);
    await add("Prisma: $transaction([deleteMany, nested create]) (the processor's first save)", 7, async () => {
      const jobId = randomUUID();
      await db.$transaction([
        db.forecast.deleteMany({ where: { jobId } }),
        db.forecast.create({
          data: {
            ...save.forecast(jobId),
            points: { createMany: { data: save.points } },
            modelResults: { createMany: { data: save.models } },
          },
          select: { id: true },
        }),
      ]);
    });
    await add("same rows, Prisma flat: $transaction([deleteMany, create, 2 × createMany])", 6, async () => {
      const jobId = randomUUID();
      const id = randomUUID();
      await db.$transaction([
        db.forecast.deleteMany({ where: { jobId } }),
        db.forecast.create({ data: { id, ...save.forecast(jobId) }, select: { id: true } }),
        db.forecastPoint.createMany({ data: save.points.map((point) => ({ forecastId: id, ...point })) }),
        db.forecastModel.createMany({ data: save.models.map((model) => ({ forecastId: id, ...model })) }),
      ]);
    });
    await add("same rows, pg: BEGIN, DELETE, 3 INSERTs (unnest), COMMIT", 6, async () => {
      const jobId = randomUUID();
      const id = randomUUID();
      const row = save.forecast(jobId);
      const client = await pool.connect();
      try {
        await client.query("begin");
        await client.query({ name: "bench-f-del", text: `delete from "Forecast" where "jobId" = $1`, values: [jobId] });
        await client.query({
          name: "bench-f-ins",
          text: `insert into "Forecast" (id, "jobId", "organizationId", "productId", horizon, models, "seasonLength", "ensembleMape", "baselineMape", "historyStart", "historyEnd")
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          values: [id, jobId, BENCH_ORGANIZATION, row.productId, row.horizon, row.models, row.seasonLength, row.ensembleMape, row.baselineMape, row.historyStart, row.historyEnd],
        });
        await client.query({
          name: "bench-fp-ins",
          text: `insert into "ForecastPoint" ("forecastId", date, value, lower, upper)
                 select $1, * from unnest($2::date[], $3::float8[], $4::float8[], $5::float8[])`,
          values: [id, save.points.map((point) => point.date), save.points.map((point) => point.value), save.points.map((point) => point.lower), save.points.map((point) => point.upper)],
        });
        await client.query({
          name: "bench-fm-ins",
          text: `insert into "ForecastModel" ("forecastId", model, method, mape, weight, params, predictions)
                 select $1, m.model, m.method, m.mape, m.weight, m.params, array(select jsonb_array_elements_text(m.predictions)::float8)
                 from jsonb_to_recordset($2::jsonb) as m(model text, method text, mape float8, weight float8, params jsonb, predictions jsonb)`,
          values: [id, JSON.stringify(save.models)],
        });
        await client.query("commit");
      } catch (error) {
        await client.query("rollback");
        throw error;
      } finally {
        client.release();
      }
    });
  } finally {
    await db.forecast.deleteMany({ where: { productId } });
    await db.jobRun.deleteMany({ where: { id: runId } });
    await pool.end();
    await disconnectDb(db);
  }
  return rows;
}

/** A real forecast of one product, shaped as the processor saves it. */
async function sampleForecast(db: Db, productId: string) {
  const sales = await db.salesDaily.findMany({ where: { productId }, orderBy: { date: "asc" }, select: { date: true, quantity: true } });
  const history = dailySeries(sales);
  const models = [...FORECAST_MODELS];
  const result = forecast(preprocess(history.values).values, { horizon: config.horizon, models });
  const dates = forecastDates(history.end, config.horizon);
  const { jobId: _jobId, points, modelResults, ...row } = forecastRecord({ jobId: "", productId, horizon: config.horizon, models, history, dates, result });
  return { forecast: (jobId: string) => ({ ...row, jobId, organizationId: BENCH_ORGANIZATION }), points, models: modelResults };
}

export async function measureHotPath(apiKey: string, productId: string, calls = 300): Promise<HotPathRow[]> {
  let statements = 0;
  const db = createDb(config.databaseUrl, { log: [{ emit: "event", level: "query" }] }) as unknown as PrismaClient<"query">;
  db.$on("query", () => statements++);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  const queues = new QueueManager({ connection: createRedis("producer", config.redisUrl), prefix: `${config.prefix}:hot-path` });
  const hash = createHash("sha256").update(apiKey).digest("hex");
  const rows: HotPathRow[] = [];

  async function time(operation: string, fn: () => Promise<unknown>, sqlPerCall?: number) {
    let counted = 0;
    const timing = await timeCalls(calls, async () => {
      const before = statements;
      await fn();
      counted += statements - before;
    });
    // The warm-up calls are counted too; statements per call is the same for each.
    rows.push({ operation, statements: sqlPerCall ?? counted / (calls + Math.max(20, calls / 10)), ...timing });
  }

  try {
    const owner = await authenticateApiKey(apiKey, { db: db as unknown as Db });
    if (!owner) throw new Error("hot path: the bench API key does not authenticate");
    await time("BullMQ queue.add (the ceiling's work)", () =>
      queues.queue("forecast").add("x", { productId: "p", horizon: 30, models: ["all"] }, { jobId: randomUUID() }),
    0);
    await time("pg: select 1", () => pool.query("select 1"), 1);
    await time("Prisma: $queryRaw select 1", () => db.$queryRaw`select 1`);
    await time("pg: API key ⋈ user, one statement", () =>
      pool.query({
        name: "bench-api-key",
        text: `select k.id, k."revokedAt", k."lastUsedAt", u.id as "userId", u.email, u.name, u.role
               from "ApiKey" k join "User" u on u.id = k."userId" where k.hash = $1`,
        values: [hash],
      }),
    1);
    await time("authenticateApiKey (one pg join, then cached for 10 s)", () => authenticateApiKey(apiKey, { db: db as unknown as Db }));
    await time("enqueueJob (zod + ledger INSERT via pg + queue.add)", () =>
      enqueueJob(
        { queue: "forecast", name: "hot-path", data: { productId, horizon: 30, models: ["all"] }, owner },
        { db: db as unknown as Db, queues },
      ),
    );
  } finally {
    await queues.close();
    await pool.end();
    await disconnectDb(db);
  }
  return rows;
}
