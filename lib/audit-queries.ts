import { encodeKeysetCursor, type KeysetCursor } from "./api/keyset-cursor";
import type { Db } from "./db";
import { db as defaultDb } from "./db";
import type { Prisma } from "./generated/prisma/client";

export interface AuditFilter {
  /** Exact action, e.g. "queue.pause". */
  action?: string;
  /** Part of the actor's email or name, or the actor's id. */
  actor?: string;
  /** Part of the target (a queue key, a job id, a failure group). */
  target?: string;
  /** Only actions about runs of this organisation (queue-wide actions belong to none). */
  organizationId?: string;
  from?: Date;
  to?: Date;
  cursor?: KeysetCursor;
  /** @defaultValue 50 */
  limit?: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  target: string;
  /** The organisation of the run the action was about; null for queue-wide actions. */
  organizationId: string | null;
  jobCount: number | null;
  details: unknown;
  actor: { id: string; email: string; name: string | null } | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** The audit log, newest first, filtered; reads one page past the index on createdAt. */
export async function listAudit(filter: AuditFilter, { db = defaultDb() }: { db?: Db } = {}): Promise<AuditPage> {
  const limit = filter.limit ?? 50;
  const and: Prisma.AuditLogWhereInput[] = [];
  if (filter.action) and.push({ action: filter.action });
  if (filter.target) and.push({ target: { contains: filter.target, mode: "insensitive" } });
  if (filter.organizationId) and.push({ organizationId: filter.organizationId });
  if (filter.actor) {
    and.push({
      OR: [
        { actorId: filter.actor },
        { actor: { email: { contains: filter.actor, mode: "insensitive" } } },
        { actor: { name: { contains: filter.actor, mode: "insensitive" } } },
      ],
    });
  }
  if (filter.from) and.push({ createdAt: { gte: filter.from } });
  if (filter.to) and.push({ createdAt: { lte: filter.to } });
  const cursor = filter.cursor;
  if (cursor) and.push({ OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] });
  const rows = await db.auditLog.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: { actor: { select: { id: true, email: true, name: true } } },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map((row) => ({
      id: row.id,
      at: row.createdAt.toISOString(),
      action: row.action,
      target: row.target,
      organizationId: row.organizationId,
      jobCount: row.jobCount,
      details: row.details,
      actor: row.actor,
    })),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.createdAt, id: last.id }) : null,
  };
}

/**
 * Every action name recorded so far, for the filter's choices. Plain SQL: Prisma's `distinct`
 * de-duplicates in memory after reading every row.
 */
export async function auditActions({ db = defaultDb() }: { db?: Db } = {}): Promise<string[]> {
  const rows = await db.$queryRaw<{ action: string }[]>`SELECT DISTINCT action FROM "AuditLog" ORDER BY action LIMIT 200`;
  return rows.map((row) => row.action);
}
