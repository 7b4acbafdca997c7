import { z } from "zod";
import { db as defaultDb, type Db } from "../db";
import type { Caller } from "../jobs/job-scope";
import { NOTIFICATION_TYPES } from "../jobs/catalog";
import { enqueueJobs, type BulkEnqueueResult } from "../jobs/enqueue-job";

export const testNotificationSchema = z.object({
  channels: z
    .array(z.enum(NOTIFICATION_TYPES, { error: `each channel must be one of ${NOTIFICATION_TYPES.join(", ")}` }), { error: "channels must be a list of channels" })
    .min(1, "choose at least one channel")
    .max(NOTIFICATION_TYPES.length)
    .refine((channels) => new Set(channels).size === channels.length, "each channel at most once")
    .describe("The channels to test: the settings page sends those the caller turned on for some event"),
});

const TITLE = "Test message";
const message = (channel: string) =>
  `You asked for this test on the notification settings page. If it reached you, ${channel.toLowerCase().replace("_", "-")} notifications work.`;

/** A test can cost money (a text message); one a minute is plenty for checking one's settings. */
export const TEST_INTERVAL_MS = 60_000;
const JOB_NAME = "test-notification";

export type TestNotificationResult = BulkEnqueueResult | { ok: false; code: "too-soon"; retryInSeconds: number };

/**
 * One notification job per channel, to the caller. The notification queue is ADMIN-only, since
 * its jobs may name any recipient; a test names the caller and no one else, so anyone may send it.
 */
export async function sendTestNotification(
  caller: Caller,
  channels: readonly (typeof NOTIFICATION_TYPES)[number][],
  { db = defaultDb(), now = Date.now() }: { db?: Db; now?: number } = {},
): Promise<TestNotificationResult> {
  const last = await db.jobRun.findFirst({ where: { ownerId: caller.id, queue: "notification", name: JOB_NAME }, orderBy: { createdAt: "desc" }, select: { createdAt: true } });
  const wait = last ? last.createdAt.getTime() + TEST_INTERVAL_MS - now : 0;
  if (wait > 0) return { ok: false, code: "too-soon", retryInSeconds: Math.ceil(wait / 1000) };
  return enqueueJobs({
    queue: "notification",
    owner: caller,
    roleCheck: "route",
    jobs: channels.map((type) => ({
      name: JOB_NAME,
      data: { userId: caller.id, type, title: TITLE, message: message(type), data: { test: true, link: "/settings/notifications" } },
    })),
  });
}
