import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { JobState, Prisma } from "../generated/prisma/client";
import type { QueueKey } from "./catalog";

/**
 * The job ledger: one PostgreSQL row per BullMQ job, same id. It outlives Redis retention and is
 * what "my runs", search by business entity and audit read from.
 */
export interface NewRun {
  id: string;
  queue: QueueKey;
  name: string;
  ownerId: string | null;
  businessKey?: string;
  data: unknown;
  priority?: number;
  delayed: boolean;
}

export function createRun(run: NewRun, { db = defaultDb() }: { db?: Db } = {}) {
  return db.jobRun.create({
    data: {
      id: run.id,
      queue: run.queue,
      name: run.name,
      ownerId: run.ownerId,
      businessKey: run.businessKey ?? null,
      data: run.data as Prisma.InputJsonValue,
      priority: run.priority ?? null,
      state: run.delayed ? "DELAYED" : run.priority !== undefined ? "PRIORITIZED" : "WAITING",
    },
  });
}

export function deleteRun(id: string, { db = defaultDb() }: { db?: Db } = {}) {
  return db.jobRun.deleteMany({ where: { id } });
}

export function findRun(id: string, { db = defaultDb() }: { db?: Db } = {}) {
  return db.jobRun.findUnique({ where: { id } });
}

export interface RunUpdate {
  state?: JobState;
  progress?: number;
  progressText?: string | null;
  attempts?: number;
  result?: unknown;
  failedReason?: string | null;
  startedAt?: Date;
  finishedAt?: Date | null;
}

/** Updates a run; a run that is missing (removed by an admin) is ignored rather than failing the job. */
export async function updateRun(id: string, update: RunUpdate, { db = defaultDb() }: { db?: Db } = {}) {
  const { result, ...rest } = update;
  await db.jobRun.updateMany({
    where: { id },
    data: { ...rest, ...(result !== undefined ? { result: result as Prisma.InputJsonValue } : {}) },
  });
}

export interface RunFilter {
  ownerId?: string;
  queue?: QueueKey;
  businessKey?: string;
  take?: number;
}

export function listRuns(filter: RunFilter, { db = defaultDb() }: { db?: Db } = {}) {
  return db.jobRun.findMany({
    where: { ownerId: filter.ownerId, queue: filter.queue, businessKey: filter.businessKey },
    orderBy: { createdAt: "desc" },
    take: filter.take ?? 20,
  });
}
