import { randomUUID } from "node:crypto";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import type { Delivery, NotificationChannel } from "./channel";
import type { NotificationEvent } from "./events";

/**
 * The IN_APP channel: the one writer of the Notification table behind the header's bell (its
 * reader is lib/inbox/inbox.ts). Plain SQL, one statement for any number of rows: the platform's
 * own events write their bell rows in batches (lib/notifications/dispatch.ts).
 */
export interface NewNotification {
  /** Given when the row must be written at most once under this id (a notification job's id); else a new one. */
  id?: string;
  userId: string;
  /** e.g. "job.completed", "queue.alert" (see `inAppKind`, lib/alerts/alert-links.ts). */
  kind: string;
  title: string;
  body: string;
  /** The job it is about. */
  jobId?: string | null;
  /** A page of the app, for notifications that are not about one job (queue alerts). */
  link?: string | null;
}

/** Timestamps are stored as UTC without a zone, as Prisma does (see lib/jobs/ledger.ts). */
const UTC_NOW = `(now() AT TIME ZONE 'UTC')`;

/**
 * Writes notifications in one statement; returns the rows' ids in order. A row whose id exists
 * already is left as it is (a retried notification job), its id still returned.
 */
export async function writeNotifications(notifications: readonly NewNotification[], { db = defaultDb() }: { db?: Db } = {}): Promise<string[]> {
  if (notifications.length === 0) return [];
  const ids = notifications.map((notification) => notification.id ?? randomUUID());
  await sqlPool(db).query(
    // The recipient's organisation, read in the same statement: the row says whose news it was.
    `INSERT INTO "Notification" ("id", "userId", "organizationId", "kind", "title", "body", "jobId", "link", "createdAt")
     SELECT n.i, n.u, usr."organizationId", n.k, n.t, n.b, n.j, n.l, ${UTC_NOW}
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS n(i, u, k, t, b, j, l)
       LEFT JOIN "User" usr ON usr."id" = n.u
     ON CONFLICT ("id") DO NOTHING`,
    [
      ids,
      notifications.map((notification) => notification.userId),
      notifications.map((notification) => notification.kind),
      notifications.map((notification) => notification.title),
      notifications.map((notification) => notification.body),
      notifications.map((notification) => notification.jobId ?? null),
      notifications.map((notification) => notification.link ?? null),
    ],
  );
  return ids;
}

const EVENT_KINDS: Record<NotificationEvent, string> = {
  "job-finished": "job.completed",
  "job-failed": "job.failed",
  "queue-alert": "queue.alert",
  "report-ready": "report.ready",
  "import-report": "import.report",
};

/**
 * The bell's kind of an event: the bell picks its icon and link by it. A resolved queue alert is
 * its own kind (`data.resolved`); a message an admin sent by hand is a plain "message".
 */
export function inAppKind(event: NotificationEvent | null, data: Record<string, unknown>): string {
  if (event === "queue-alert" && data.resolved === true) return "queue.alert-resolved";
  return event ? EVENT_KINDS[event] : "message";
}

/** A delivery as the bell's row: the job it is about (`data.jobId`) and the page it leads to. */
export function notificationRow(delivery: Delivery, id?: string): NewNotification {
  const jobId = delivery.data.jobId;
  return {
    id,
    userId: delivery.recipient.id,
    kind: inAppKind(delivery.event, delivery.data),
    title: delivery.title,
    body: delivery.message,
    jobId: typeof jobId === "string" ? jobId : null,
    // A job's bell row leads to the job (or its result) through the ledger; others to their page.
    link: typeof jobId === "string" ? null : (delivery.links.open?.path ?? null),
  };
}

/** The channel: the row's id is the notification job's, so a retried job never writes a second row. */
export function inAppChannel({ db = defaultDb() }: { db?: Db } = {}): NotificationChannel {
  return {
    type: "IN_APP",
    async send(delivery) {
      const [id] = await writeNotifications([notificationRow(delivery, delivery.idempotencyKey)], { db });
      return { providerMessageId: id };
    },
  };
}
