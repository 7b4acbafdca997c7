import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { db } from "@/lib/db";
import { apiRoute } from "@/lib/api/handler";
import { NOTIFICATION_EVENT_LABELS } from "@/lib/notifications/events";
import { readOptOutToken, type OptOut } from "@/lib/notifications/opt-out";
import { updateNotificationSettings } from "@/lib/notifications/preferences";

export const dynamic = "force-dynamic";

const query = z.object({ token: z.string().min(1, "token is required").max(500) });

function optOutOf(token: string): OptOut {
  const optOut = readOptOutToken(token);
  if (!optOut) throw new ApiError("not-found", "This opt-out link is not valid");
  return optOut;
}

function page(title: string, body: string): Response {
  return new Response(`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto">${body}</body></html>`, {
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

// GET /api/v1/notifications/opt-out?token= — the page an email's opt-out link opens: asks before turning anything off (public, signed token)
// A GET changes nothing: mail scanners open links in emails, and must not unsubscribe anyone.
export const GET = apiRoute({ auth: "public", query, doc: { summary: "The opt-out page of an email's link", tag: "notifications" } }, async ({ query }) => {
  const optOut = optOutOf(query.token);
  const what = `${NOTIFICATION_EVENT_LABELS[optOut.event]} — ${optOut.channel === "EMAIL" ? "email" : "SMS"}`;
  return page("Turn off notifications", `<h1>Turn off these notifications?</h1><p>${what}</p><form method="post"><button type="submit">Turn off</button></form>`);
});

// POST /api/v1/notifications/opt-out?token= — turn the token's event off on its channel, without signing in (public, signed token; RFC 8058 one-click)
export const POST = apiRoute({ auth: "public", query, doc: { summary: "Turn off one event's email or SMS through a signed opt-out link", tag: "notifications" } }, async ({ query }) => {
  const optOut = optOutOf(query.token);
  // The user may have been deleted since the email went out: nothing is left to turn off.
  if (!(await db().user.findUnique({ where: { id: optOut.userId }, select: { id: true } }))) throw new ApiError("not-found", "This opt-out link is not valid");
  const result = await updateNotificationSettings(optOut.userId, { preferences: { [optOut.event]: { [optOut.channel]: false } } });
  if (!result.ok) throw new ApiError("unprocessable-entity", result.issues.map((issue) => issue.message).join("; "));
  return page("Notifications turned off", `<h1>Turned off</h1><p>You will no longer get ${optOut.channel === "EMAIL" ? "emails" : "SMS"} for “${NOTIFICATION_EVENT_LABELS[optOut.event]}”. You can turn them on again in your notification settings.</p>`);
});
