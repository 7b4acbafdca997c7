import type { Db } from "../db";
import type { ChannelType, Delivery } from "./channel";
import { isNotificationEvent } from "./events";
import { appUrl, optOutUrl } from "./opt-out";
import { notificationSettingsOf } from "./preferences";

export interface NotificationJob {
  jobId: string;
  userId: string;
  type: ChannelType;
  title: string;
  message: string;
  /** The payload's data; `event` names the platform event, `path` the page of the app it leads to. */
  data: Record<string, unknown>;
}

/**
 * A notification job as a channel's delivery: the recipient as they are now (address, name, the
 * phone from their settings), the event from `data.event`, and absolute links (`data.path`, and
 * an opt-out for an event's email or SMS). Null when the recipient no longer exists.
 */
export async function buildDelivery(job: NotificationJob, { db }: { db: Db }): Promise<Delivery | null> {
  const user = await db.user.findUnique({ where: { id: job.userId }, select: { id: true, email: true, name: true, organizationId: true } });
  if (!user) return null;
  const settings = await notificationSettingsOf(user.id, { db });
  const event = isNotificationEvent(job.data.event) ? job.data.event : null;
  const path = typeof job.data.path === "string" && job.data.path.startsWith("/") && !job.data.path.startsWith("//") ? job.data.path : null;
  return {
    idempotencyKey: job.jobId,
    recipient: { ...user, phone: settings.phoneNumber },
    event,
    title: job.title,
    message: job.message,
    data: job.data,
    links: {
      open: path ? { label: "Open in CapLiquify", path, url: `${appUrl()}${path}` } : null,
      optOut: event && (job.type === "EMAIL" || job.type === "SMS") ? optOutUrl({ userId: user.id, event, channel: job.type }) : null,
    },
  };
}
