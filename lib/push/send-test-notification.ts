import { z } from "zod";
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

/**
 * One notification job per channel, to the caller. The notification queue is ADMIN-only, since
 * its jobs may name any recipient; a test names the caller and no one else, so anyone may send it.
 */
export function sendTestNotification(caller: Caller, channels: readonly (typeof NOTIFICATION_TYPES)[number][]): Promise<BulkEnqueueResult> {
  return enqueueJobs({
    queue: "notification",
    owner: caller,
    roleCheck: "route",
    jobs: channels.map((type) => ({
      name: "test-notification",
      data: { userId: caller.id, type, title: TITLE, message: message(type), data: { test: true, link: "/settings/notifications" } },
    })),
  });
}
