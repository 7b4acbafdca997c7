import type { Db } from "./db";
import { db as defaultDb } from "./db";
import type { Prisma } from "./generated/prisma/client";
import { isQueueKey } from "./jobs/catalog";

/**
 * Records an admin action: who, what, on which target, how many jobs it touched. An action about
 * one run (target "<queue>/<job id>") is filed under the run's organisation, so the log can be
 * read per organisation; queue-wide actions belong to none. An action about something else an
 * organisation owns (a schedule) names the organisation itself.
 */
export async function recordAudit(
  entry: { actorId: string; action: string; target: string; organizationId?: string; details?: Record<string, unknown>; jobCount?: number },
  { db = defaultDb() }: { db?: Db } = {},
) {
  return db.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      target: entry.target,
      organizationId: entry.organizationId ?? (await runOrganization(entry.target, db)),
      details: entry.details as Prisma.InputJsonValue | undefined,
      jobCount: entry.jobCount,
    },
  });
}

async function runOrganization(target: string, db: Db): Promise<string | null> {
  const slash = target.indexOf("/");
  const queue = target.slice(0, slash);
  if (slash <= 0 || !isQueueKey(queue)) return null;
  const run = await db.jobRun.findUnique({ where: { id: target.slice(slash + 1) }, select: { queue: true, organizationId: true } });
  return run?.queue === queue ? run.organizationId : null;
}
