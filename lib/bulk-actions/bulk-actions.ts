import { recordAudit } from "../audit";
import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { QueueKey } from "../jobs/catalog";
import { enqueueBulkAction } from "./maintenance-queue";
import { countTarget, type BulkActionKind, type BulkTarget } from "./targets";

export type BulkActionStatus = "queued" | "running" | "completed" | "failed";

/** A bulk action as the API shows it. */
export interface BulkActionView {
  id: string;
  action: BulkActionKind;
  status: BulkActionStatus;
  target: { fingerprint: string } | { jobIds: string[] };
  queue: QueueKey | null;
  total: number;
  /** Jobs retried or removed. */
  done: number;
  /** Jobs left alone: Redis no longer held them as failed (retention, clean, or retried meanwhile). */
  skipped: number;
  /** Jobs Redis refused (the reason is in `error`). */
  failed: number;
  /** done + skipped + failed, as a share of total (0–100). */
  percent: number;
  error: string | null;
  actor: { id: string; name: string } | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

type BulkActionRow = NonNullable<Awaited<ReturnType<typeof findRow>>>;

function findRow(id: string, db: Db) {
  return db.bulkAction.findUnique({ where: { id }, include: { actor: { select: { id: true, name: true } } } });
}

export function toView(row: BulkActionRow): BulkActionView {
  const processed = row.done + row.skipped + row.failed;
  return {
    id: row.id,
    action: row.action as BulkActionKind,
    status: row.status as BulkActionStatus,
    target: row.fingerprint ? { fingerprint: row.fingerprint } : { jobIds: row.jobIds },
    queue: (row.queue as QueueKey | null) ?? null,
    total: row.total,
    done: row.done,
    skipped: row.skipped,
    failed: row.failed,
    percent: row.total === 0 ? 100 : Math.min(100, Math.floor((processed / row.total) * 100)),
    error: row.error,
    actor: row.actor,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

export type StartResult = { ok: true; bulkAction: BulkActionView } | { ok: false; code: "nothing-to-do" };

/**
 * Records a bulk action and hands it to the worker's maintenance queue; the web request returns at
 * once. The jobs it covers are fixed by the snapshot time: failures after it are not included.
 */
export async function startBulkAction(
  action: BulkActionKind,
  target: BulkTarget,
  principal: Principal,
  { db = defaultDb(), enqueue = enqueueBulkAction, now = new Date() }: { db?: Db; enqueue?: (id: string) => Promise<void>; now?: Date } = {},
): Promise<StartResult> {
  const { total, queue } = await countTarget(target, { db, snapshotAt: now });
  if (total === 0) return { ok: false, code: "nothing-to-do" };
  const row = await db.bulkAction.create({
    data: {
      action,
      fingerprint: target.fingerprint ?? null,
      jobIds: target.jobIds ? [...new Set(target.jobIds)].sort() : [],
      queue,
      snapshotAt: now,
      pendingIds: [],
      total,
      actorId: principal.id,
    },
    include: { actor: { select: { id: true, name: true } } },
  });
  try {
    await enqueue(row.id);
  } catch (error) {
    // Nothing will ever run it: say so rather than leave it "queued" for good.
    await db.bulkAction.update({ where: { id: row.id }, data: { status: "failed", error: "Could not hand the action to the worker (Redis unavailable)", finishedAt: new Date() } });
    throw error;
  }
  await recordAudit(
    {
      actorId: principal.id,
      action: action === "retry" ? "jobs.bulk-retry" : "jobs.bulk-remove",
      target: target.fingerprint ? `${queue ?? "failed"}/group/${target.fingerprint}` : `${target.jobIds?.length ?? 0} selected jobs`,
      details: { bulkActionId: row.id, fingerprint: target.fingerprint ?? null, queue, selected: target.jobIds?.length ?? null },
      jobCount: total,
    },
    { db },
  );
  return { ok: true, bulkAction: toView(row) };
}

export async function getBulkAction(id: string, { db = defaultDb() }: { db?: Db } = {}): Promise<BulkActionView | null> {
  const row = await findRow(id, db);
  return row ? toView(row) : null;
}

export async function listBulkActions(
  { limit = 20, active }: { limit?: number; active?: boolean } = {},
  { db = defaultDb() }: { db?: Db } = {},
): Promise<BulkActionView[]> {
  const rows = await db.bulkAction.findMany({
    where: active ? { status: { in: ["queued", "running"] } } : undefined,
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { actor: { select: { id: true, name: true } } },
  });
  return rows.map(toView);
}
