import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env";
import type { ChannelType } from "./channel";
import { isNotificationEvent, type NotificationEvent } from "./events";

/**
 * The opt-out link's token: which user turns which event off on which channel, signed with an HMAC
 * under a key derived from NEXTAUTH_SECRET. It does not expire: an unsubscribe link in an old
 * email must still work (and it can do nothing but turn one notification off).
 */
export interface OptOut {
  userId: string;
  event: NotificationEvent;
  channel: Extract<ChannelType, "EMAIL" | "SMS">;
}

function signature(payload: string): Buffer {
  const key = createHmac("sha256", env().NEXTAUTH_SECRET).update("notification-opt-out").digest();
  return createHmac("sha256", key).update(payload).digest();
}

export function optOutToken(optOut: OptOut): string {
  const payload = Buffer.from(`${optOut.userId}\n${optOut.event}\n${optOut.channel}`).toString("base64url");
  return `${payload}.${signature(payload).toString("base64url")}`;
}

export function readOptOutToken(token: string): OptOut | null {
  const [payload, signed, ...rest] = token.split(".");
  if (!payload || !signed || rest.length > 0) return null;
  const expected = signature(payload);
  const given = Buffer.from(signed, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const [userId, event, channel] = Buffer.from(payload, "base64url").toString().split("\n");
  if (!userId || !isNotificationEvent(event) || (channel !== "EMAIL" && channel !== "SMS")) return null;
  return { userId, event, channel };
}

/** The app's public origin, for absolute links. */
export function appUrl(): string {
  return (env().APP_URL ?? env().NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
}

export function optOutUrl(optOut: OptOut): string {
  return `${appUrl()}/api/v1/notifications/opt-out?token=${encodeURIComponent(optOutToken(optOut))}`;
}
