import { z } from "zod";
import { jobDataSchema } from "../api/enqueue-response";
import { excerpt, zodDetails, type ErrorDetail } from "../api/errors";
import { recordAudit } from "../audit";
import type { Principal } from "../auth/principal";
import { maintenanceQueue } from "../bulk-actions/maintenance-queue";
import { db as defaultDb, type Db } from "../db";
import { Prisma, type Schedule } from "../generated/prisma/client";
import { QUEUE_KEYS, queueDefinition, type QueueKey } from "../jobs/catalog";
import { resolveJobScope, type Caller } from "../jobs/job-scope";
import { ownScope } from "../organizations/scope";
import { batchLauncher as defaultBatchLauncher, type BatchLauncher, type BatchScope } from "./batch-launcher";
import { cronSchema, everyMsSchema, nextRunTimes, timeZoneSchema, type ScheduleTiming } from "./schedule-timing";
import { removeScheduler, schedulerNextTicks, upsertScheduler, type SchedulerQueue } from "./schedulers";

/**
 * Schedules as the API and the UI manage them. The row is written first and the BullMQ scheduler
 * follows (removed first on pause and delete); the maintenance worker's reconcile at start repairs
 * a scheduler that a failure in between left out of step.
 */

const batchScopeSchema = z.union([
  z.object({ productIds: z.array(z.string().trim().min(1).max(200)).min(1, "name at least one product").max(10_000) }).strict(),
  z.object({ category: z.string().trim().min(1, "must not be empty").max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

const fields = {
  name: z.string({ error: "must be a string" }).trim().min(1, "name is required").max(100, "must be at most 100 characters"),
  jobName: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  data: jobDataSchema,
  batch: batchScopeSchema.nullable().describe("Set: each tick starts a batch over these products instead of one job; data then holds the fields common to every product's job"),
  cron: cronSchema.describe('A five-field cron pattern read in `timezone`, e.g. "0 2 * * *" (nightly at 02:00)'),
  everyMs: everyMsSchema.describe("An interval in milliseconds, instead of `cron`"),
  timezone: timeZoneSchema.describe("IANA time zone of `cron`, e.g. Europe/Berlin"),
  paused: z.boolean({ error: "must be true or false" }),
};

export const createScheduleSchema = z
  .object({
    name: fields.name,
    queue: z.enum(QUEUE_KEYS, { error: (issue) => `no queue named "${excerpt(issue.input)}"` }),
    jobName: fields.jobName.default("scheduled"),
    data: fields.data,
    batch: fields.batch.optional(),
    cron: fields.cron.optional(),
    everyMs: fields.everyMs.optional(),
    timezone: fields.timezone.default("UTC"),
    paused: fields.paused.default(false),
  })
  .strict()
  .superRefine((body, context) => {
    if ((body.cron === undefined) === (body.everyMs === undefined)) {
      context.addIssue({ code: "custom", path: [body.cron === undefined ? "cron" : "everyMs"], message: "give either a cron pattern or an interval (everyMs), not both or neither" });
    }
  });

/** An edit: any of the fields; a cron pattern replaces an interval and the other way round. */
export const updateScheduleSchema = z
  .object({
    name: fields.name.optional(),
    jobName: fields.jobName.optional(),
    data: fields.data.optional(),
    batch: fields.batch.optional(),
    cron: fields.cron.optional(),
    everyMs: fields.everyMs.optional(),
    timezone: fields.timezone.optional(),
    paused: fields.paused.optional(),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.cron !== undefined && body.everyMs !== undefined) context.addIssue({ code: "custom", path: ["everyMs"], message: "give either a cron pattern or an interval, not both" });
  });

export type CreateScheduleInput = z.infer<typeof createScheduleSchema>;
export type UpdateScheduleInput = z.infer<typeof updateScheduleSchema>;

export interface ScheduleView {
  id: string;
  name: string;
  organizationId: string;
  createdBy: { id: string; name: string; email: string };
  queue: QueueKey;
  queueLabel: string;
  jobName: string;
  data: unknown;
  batch: BatchScope | null;
  cron: string | null;
  everyMs: number | null;
  timezone: string;
  paused: boolean;
  /** The next ticks (ISO), the first as BullMQ holds it; empty while paused. */
  nextRuns: string[];
  lastRun: { jobId: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
}

export type ScheduleFailure =
  | { ok: false; code: "not-found" }
  | { ok: false; code: "forbidden"; message: string }
  /** Details name the body field (`body.data.productId`, `body.batch`). */
  | { ok: false; code: "invalid"; details: ErrorDetail[] };

interface Deps {
  db?: Db;
  queue?: SchedulerQueue;
  batchLauncher?: BatchLauncher;
}

const NEXT_RUNS_SHOWN = 3;
const withCreator = { createdBy: { select: { id: true, name: true, email: true, role: true, organizationId: true } } } as const;
type ScheduleRow = Prisma.ScheduleGetPayload<{ include: typeof withCreator }>;

/** Schedules the caller may see, newest first: a planner's organisation's, every one for an admin. */
export async function listSchedules(principal: Principal, { organizationId }: { organizationId?: string } = {}, { db = defaultDb(), queue = maintenanceQueue() }: Deps = {}): Promise<ScheduleView[]> {
  const scope = ownScope(principal) ?? organizationId;
  const [rows, ticks] = await Promise.all([
    db.schedule.findMany({ where: scope ? { organizationId: scope } : {}, include: withCreator, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 500 }),
    schedulerNextTicks(queue),
  ]);
  return rows.map((row) => toView(row, ticks.get(row.id)));
}

export async function getSchedule(principal: Principal, id: string, { db = defaultDb(), queue = maintenanceQueue() }: Deps = {}): Promise<{ ok: true; schedule: ScheduleView } | ScheduleFailure> {
  const row = await visibleSchedule(principal, id, db);
  if (!row) return { ok: false, code: "not-found" };
  return { ok: true, schedule: toView(row, (await schedulerNextTicks(queue)).get(row.id)) };
}

export async function createSchedule(principal: Principal, input: CreateScheduleInput, deps: Deps = {}): Promise<{ ok: true; schedule: ScheduleView } | ScheduleFailure> {
  const { db = defaultDb(), queue = maintenanceQueue() } = deps;
  const refused = queueRefusal(principal, input.queue);
  if (refused) return refused;
  const checked = await checkRunTemplate(input.queue, input.data, input.batch ?? null, principal, db, deps.batchLauncher ?? defaultBatchLauncher);
  if (!checked.ok) return checked;
  const row = await db.schedule.create({
    data: {
      organizationId: checked.organizationId,
      createdById: principal.id,
      name: input.name,
      queue: input.queue,
      jobName: input.jobName,
      data: input.data as Prisma.InputJsonValue,
      batchScope: (input.batch ?? undefined) as Prisma.InputJsonValue | undefined,
      cron: input.cron ?? null,
      everyMs: input.everyMs ?? null,
      timezone: input.timezone,
      paused: input.paused,
    },
    include: withCreator,
  });
  if (!row.paused) await upsertScheduler(queue, row);
  await audit(principal, "schedule.create", row, { name: row.name, queue: row.queue, timing: timingOf(row) }, db);
  return { ok: true, schedule: toView(row, (await schedulerNextTicks(queue)).get(row.id)) };
}

/**
 * An edit, a pause (`paused: true`: the scheduler goes, the row stays) or a resume. The run
 * template is checked again as the schedule's creator, whose runs these are.
 */
export async function updateSchedule(principal: Principal, id: string, input: UpdateScheduleInput, deps: Deps = {}): Promise<{ ok: true; schedule: ScheduleView } | ScheduleFailure> {
  const { db = defaultDb(), queue = maintenanceQueue() } = deps;
  const row = await visibleSchedule(principal, id, db);
  if (!row) return { ok: false, code: "not-found" };
  const refused = queueRefusal(principal, row.queue as QueueKey);
  if (refused) return refused;
  const data = input.data === undefined ? row.data : input.data;
  const batch = input.batch === undefined ? (row.batchScope as BatchScope | null) : input.batch;
  if (input.data !== undefined || input.batch !== undefined) {
    const checked = await checkRunTemplate(row.queue as QueueKey, data, batch, row.createdBy, db, deps.batchLauncher ?? defaultBatchLauncher);
    if (!checked.ok) return checked;
    if (checked.organizationId !== row.organizationId) {
      return { ok: false, code: "invalid", details: [{ path: "body.data", message: "would move the schedule to another organisation; create a schedule there instead" }] };
    }
  }
  const timing = input.cron !== undefined ? { cron: input.cron, everyMs: null } : input.everyMs !== undefined ? { cron: null, everyMs: input.everyMs } : {};
  const updated = await db.schedule.update({
    where: { id },
    data: {
      name: input.name,
      jobName: input.jobName,
      data: input.data === undefined ? undefined : (input.data as Prisma.InputJsonValue),
      batchScope: input.batch === undefined ? undefined : input.batch === null ? Prisma.DbNull : (input.batch as Prisma.InputJsonValue),
      ...timing,
      timezone: input.timezone,
      paused: input.paused,
    },
    include: withCreator,
  });
  if (updated.paused) await removeScheduler(queue, updated.id);
  else await upsertScheduler(queue, updated);
  const action = input.paused === true && !row.paused ? "schedule.pause" : input.paused === false && row.paused ? "schedule.resume" : "schedule.update";
  await audit(principal, action, updated, { name: updated.name, changed: Object.keys(input), timing: timingOf(updated) }, db);
  return { ok: true, schedule: toView(updated, (await schedulerNextTicks(queue)).get(updated.id)) };
}

/** Removes the schedule; the runs it started stay in the ledger. */
export async function deleteSchedule(principal: Principal, id: string, { db = defaultDb(), queue = maintenanceQueue() }: Deps = {}): Promise<{ ok: true } | ScheduleFailure> {
  const row = await visibleSchedule(principal, id, db);
  if (!row) return { ok: false, code: "not-found" };
  const refused = queueRefusal(principal, row.queue as QueueKey);
  if (refused) return refused;
  // Row first: a reconcile running meanwhile then finds the scheduler without its row and removes it too.
  await db.schedule.delete({ where: { id } });
  await removeScheduler(queue, id);
  await audit(principal, "schedule.delete", row, { name: row.name, queue: row.queue }, db);
  return { ok: true };
}

/** A planner sees their organisation's schedules only; another's id is answered as unknown. */
async function visibleSchedule(principal: Principal, id: string, db: Db): Promise<ScheduleRow | null> {
  const row = await db.schedule.findUnique({ where: { id }, include: withCreator });
  const scope = ownScope(principal);
  return row && (!scope || row.organizationId === scope) ? row : null;
}

function queueRefusal(principal: Principal, queue: QueueKey): ScheduleFailure | undefined {
  const definition = queueDefinition(queue);
  if (definition.enqueueRoles.includes(principal.role)) return undefined;
  return { ok: false, code: "forbidden", message: `Your role may not schedule ${definition.label.toLowerCase()} jobs` };
}

/**
 * The run a tick will start, checked now as enqueueJob will check it then (the catalogue's
 * payload, the subjects and organisation it names, as `owner`), so a bad template is a 422 when
 * saved rather than a failure at every tick. A batch's data is checked per product when the batch
 * starts.
 */
async function checkRunTemplate(
  queueKey: QueueKey,
  data: unknown,
  batch: BatchScope | null,
  owner: Caller,
  db: Db,
  launcher: BatchLauncher | undefined,
): Promise<{ ok: true; organizationId: string } | ScheduleFailure> {
  const definition = queueDefinition(queueKey);
  if (batch) {
    if (!launcher) return { ok: false, code: "invalid", details: [{ path: "body.batch", message: "batch schedules need the bulk flows, which this installation does not have yet; schedule one job" }] };
    if (definition.subject?.kind !== "product") return { ok: false, code: "invalid", details: [{ path: "body.batch", message: `${definition.label} jobs are not about products; a batch runs one job per product` }] };
    if (typeof data !== "object" || data === null || Array.isArray(data)) return { ok: false, code: "invalid", details: [{ path: "body.data", message: "must be an object" }] };
    return { ok: true, organizationId: owner.organizationId };
  }
  const parsed = definition.payload.safeParse(data);
  if (!parsed.success) return { ok: false, code: "invalid", details: zodDetails(parsed.error.issues, "body.data") };
  const scope = await resolveJobScope(definition, data, parsed.data, owner, { db });
  if (!scope.ok) return scope.code === "forbidden" ? scope : { ok: false, code: "invalid", details: zodDetails(scope.issues as never, "body.data") };
  return { ok: true, organizationId: scope.organizationId };
}

function timingOf(row: Pick<Schedule, "cron" | "everyMs" | "timezone">): ScheduleTiming {
  return row.cron !== null ? { cron: row.cron, timezone: row.timezone } : { everyMs: row.everyMs!, timezone: row.timezone };
}

function audit(principal: Principal, action: string, row: Schedule, details: Record<string, unknown>, db: Db) {
  return recordAudit({ actorId: principal.id, action, target: `schedule/${row.id}`, organizationId: row.organizationId, details }, { db });
}

function toView(row: ScheduleRow, nextTick: number | undefined): ScheduleView {
  const timing = timingOf(row);
  // From BullMQ's own next tick when the scheduler holds one; computed otherwise (a worker has
  // not reconciled a restored schedule yet).
  const nextRuns = row.paused ? [] : nextTick !== undefined ? [new Date(nextTick), ...nextRunTimes(timing, NEXT_RUNS_SHOWN - 1, new Date(nextTick))] : nextRunTimes(timing, NEXT_RUNS_SHOWN);
  return {
    id: row.id,
    name: row.name,
    organizationId: row.organizationId,
    createdBy: { id: row.createdBy.id, name: row.createdBy.name, email: row.createdBy.email },
    queue: row.queue as QueueKey,
    queueLabel: queueDefinition(row.queue as QueueKey).label,
    jobName: row.jobName,
    data: row.data,
    batch: row.batchScope as BatchScope | null,
    cron: row.cron,
    everyMs: row.everyMs,
    timezone: row.timezone,
    paused: row.paused,
    nextRuns: nextRuns.map((date) => date.toISOString()),
    lastRun: row.lastRunJobId && row.lastRunAt ? { jobId: row.lastRunJobId, at: row.lastRunAt.toISOString() } : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
