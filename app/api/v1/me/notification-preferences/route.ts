import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import type { Principal } from "@/lib/auth/principal";
import { NOTIFICATION_EVENTS } from "@/lib/notifications/events";
import { eventsFor, notificationSettingsOf, PREFERENCE_CHANNELS, updateNotificationSettings, type NotificationSettingsView } from "@/lib/notifications/preferences";

export const dynamic = "force-dynamic";

const body = z
  .object({
    preferences: z
      .partialRecord(z.enum(NOTIFICATION_EVENTS), z.partialRecord(z.enum(PREFERENCE_CHANNELS), z.boolean()).refine((value) => value !== undefined))
      .optional()
      .describe("Only the events and channels to change"),
    phoneNumber: z.string().max(40).nullable().optional().describe("E.164, e.g. +4915112345678; null removes it"),
  })
  .strict();

function view(principal: Principal, settings: NotificationSettingsView) {
  const events = eventsFor(principal.role);
  return {
    events,
    channels: [...PREFERENCE_CHANNELS],
    preferences: Object.fromEntries(events.map(({ event }) => [event, settings.preferences[event]])),
    phoneNumber: settings.phoneNumber,
  };
}

// GET /api/v1/me/notification-preferences — which events reach the caller on which channels, and their phone (signed in)
export const GET = apiRoute({ auth: "user", doc: { summary: "The caller's notification preferences", tag: "notifications" } }, async ({ principal }) =>
  view(principal, await notificationSettingsOf(principal.id)),
);

// PUT /api/v1/me/notification-preferences — change some of the caller's preferences or their phone (signed in)
export const PUT = apiRoute({ auth: "user", body, doc: { summary: "Change the caller's notification preferences", tag: "notifications" } }, async ({ principal, body }) => {
  if (body.preferences?.["queue-alert"] && principal.role !== "ADMIN") {
    throw new ApiError("unprocessable-entity", "Invalid body — body.preferences.queue-alert: queue alerts reach admins only", [{ path: "body.preferences.queue-alert", message: "queue alerts reach admins only" }]);
  }
  const result = await updateNotificationSettings(principal.id, body);
  if (!result.ok) throw new ApiError("unprocessable-entity", `Invalid body — ${result.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`, result.issues);
  return view(principal, result.settings);
});
