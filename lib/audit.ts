import type { Db } from "./db";
import { db as defaultDb } from "./db";
import type { Prisma } from "./generated/prisma/client";

/** Records an admin action: who, what, on which target, how many jobs it touched. */
export function recordAudit(
  entry: { actorId: string; action: string; target: string; details?: Record<string, unknown>; jobCount?: number },
  { db = defaultDb() }: { db?: Db } = {},
) {
  return db.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      target: entry.target,
      details: entry.details as Prisma.InputJsonValue | undefined,
      jobCount: entry.jobCount,
    },
  });
}
