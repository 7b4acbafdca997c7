import { encodeKeysetCursor, type KeysetCursor } from "../api/keyset-cursor";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { isQueueKey, type QueueKey } from "../jobs/catalog";
import { resultLink } from "../jobs/result-link";

/**
 * The reader of the in-app inbox behind the header's bell. Its one writer is the IN_APP channel
 * (lib/notifications/in-app.ts). Plain SQL: the bell is read on every page.
 */
/** Timestamps are stored as UTC without a zone, as Prisma does (see lib/jobs/ledger.ts). */
const UTC_NOW = `(now() AT TIME ZONE 'UTC')`;

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  jobId: string | null;
  /** The job's queue, from the ledger (null once the run is gone), so the UI can link to the job. */
  queue: QueueKey | null;
  /** Where the notification leads when that is not the job page: a queue alert's queue, a completed job's result page. */
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationPage {
  notifications: NotificationView[];
  unreadCount: number;
  nextCursor: string | null;
}

/** A user's notifications, newest first, with how many are unread. */
export async function listNotifications(
  userId: string,
  options: { limit: number; after?: KeysetCursor; unreadOnly?: boolean },
  { db = defaultDb() }: { db?: Db } = {},
): Promise<NotificationPage> {
  const values: unknown[] = [userId, options.limit + 1];
  let where = `n."userId" = $1`;
  if (options.unreadOnly) where += ` AND n."readAt" IS NULL`;
  if (options.after) {
    values.push(options.after.at.toISOString(), options.after.id);
    // Stored times are UTC without a zone: compare in the same terms.
    where += ` AND (n."createdAt", n."id") < (($3::timestamptz AT TIME ZONE 'UTC'), $4)`;
  }
  const pool = sqlPool(db);
  const [page, unread] = await Promise.all([
    pool.query<{ id: string; kind: string; title: string; body: string; jobId: string | null; link: string | null; queue: string | null; result: unknown; readAt: Date | null; createdAt: Date }>(
      `SELECT n."id", n."kind", n."title", n."body", n."jobId", n."link", r."queue",
              CASE WHEN n."kind" = 'job.completed' THEN r."result" END AS "result",
              n."readAt" AT TIME ZONE 'UTC' AS "readAt", n."createdAt" AT TIME ZONE 'UTC' AS "createdAt"
         FROM "Notification" n
         LEFT JOIN "JobRun" r ON r."id" = n."jobId"
        WHERE ${where}
        ORDER BY n."createdAt" DESC, n."id" DESC
        LIMIT $2`,
      values,
    ),
    unreadCount(userId, { db }),
  ]);
  const rows = page.rows.slice(0, options.limit);
  const last = rows.at(-1);
  return {
    notifications: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      jobId: row.jobId,
      link: row.link ?? resultHrefOf(row),
      queue: row.queue && isQueueKey(row.queue) ? row.queue : null,
      readAt: row.readAt ? row.readAt.toISOString() : null,
      createdAt: row.createdAt.toISOString(),
    })),
    unreadCount: unread,
    nextCursor: page.rows.length > options.limit && last ? encodeKeysetCursor({ at: last.createdAt, id: last.id }) : null,
  };
}

/** A completed job's result page, where its queue has one (the query reads results of completed jobs only). */
function resultHrefOf(row: { jobId: string | null; queue: string | null; result: unknown }): string | null {
  if (!row.jobId || !row.queue || !isQueueKey(row.queue)) return null;
  return resultLink(row.queue, row.jobId, row.result)?.href ?? null;
}

export async function unreadCount(userId: string, { db = defaultDb() }: { db?: Db } = {}): Promise<number> {
  const { rows } = await sqlPool(db).query<{ count: number }>(
    `SELECT count(*)::int AS "count" FROM "Notification" WHERE "userId" = $1 AND "readAt" IS NULL`,
    [userId],
  );
  return rows[0]?.count ?? 0;
}

/**
 * Marks the user's notifications read: the given ids, or all of them. Ids that are not the user's
 * (or do not exist) are skipped silently, so nothing about other users' notifications leaks.
 */
export async function markNotificationsRead(
  userId: string,
  which: { ids: string[] } | { all: true },
  { db = defaultDb() }: { db?: Db } = {},
): Promise<{ updated: number; unreadCount: number }> {
  const values: unknown[] = [userId];
  let where = `"userId" = $1 AND "readAt" IS NULL`;
  if ("ids" in which) {
    values.push(which.ids);
    where += ` AND "id" = ANY($2::text[])`;
  }
  const result = await sqlPool(db).query(`UPDATE "Notification" SET "readAt" = ${UTC_NOW} WHERE ${where}`, values);
  return { updated: result.rowCount ?? 0, unreadCount: await unreadCount(userId, { db }) };
}
