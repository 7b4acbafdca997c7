import { createHash } from "node:crypto";
import webpush from "web-push";
import { db as defaultDb, type Db } from "../db";
import { PermanentDeliveryError, TransientDeliveryError, type Delivery, type DeliveryReceipt, type NotificationChannel } from "../notifications/channel";
import { vapidDetails as defaultVapid, type VapidOutcome } from "./vapid";

/** What the service worker (public/sw.js) reads from a push: the notification it shows. */
export interface PushPayload {
  title: string;
  body: string;
  /** Opened on click: an absolute URL of the app, or null for the app's start page. */
  url: string | null;
  /** The notification job's id: a second push under it replaces the first on the device. */
  tag: string;
  event: string | null;
}

/**
 * Push services take at most 4 KiB of encrypted payload (RFC 8030 §7.2 lets them refuse more);
 * a notification shows a few lines anyway, so the body is cut well below that.
 */
const MAX_BODY_LENGTH = 1_000;
/** How long a push service keeps a message for a device that is offline. */
const TIME_TO_LIVE_SECONDS = 24 * 60 * 60;

export interface PushChannelOptions {
  db?: Db;
  vapid?: () => VapidOutcome;
  /** Per push service request. @defaultValue 10 000 ms */
  timeoutMs?: number;
}

/** What one device's push service made of the message. */
type DeviceOutcome =
  | { kind: "accepted"; location: string | null }
  | { kind: "gone"; status: number }
  | { kind: "transient"; reason: string; retryAfterMs: number | null }
  | { kind: "refused"; reason: string };

/**
 * The PUSH channel: one Web Push message (RFC 8030, payload encrypted per RFC 8291, signed with
 * VAPID per RFC 8292 — web-push builds the request) to every device the recipient subscribed.
 * Delivered when at least one device's push service accepted it. A device whose subscription
 * expired (404/410) is removed; 429 and 5xx are worth a retry; other 4xx are that device's for good.
 */
export function createPushChannel({ db = defaultDb(), vapid = defaultVapid, timeoutMs = 10_000 }: PushChannelOptions = {}): NotificationChannel {
  return {
    type: "PUSH",
    async send(delivery: Delivery): Promise<DeliveryReceipt> {
      const keys = vapid();
      if (!keys.ok) throw new PermanentDeliveryError(keys.reason);
      const devices = await db.pushSubscription.findMany({ where: { userId: delivery.recipient.id }, select: { id: true, endpoint: true, p256dh: true, auth: true } });
      if (devices.length === 0) throw new PermanentDeliveryError(`${delivery.recipient.email} has no device subscribed to push notifications`);

      const payload = JSON.stringify(pushPayload(delivery));
      // A retry of the same job replaces a message still queued at the push service (Topic, at most 32 base64url characters).
      const topic = createHash("sha256").update(delivery.idempotencyKey).digest("base64url").slice(0, 32);
      const outcomes = await Promise.all(
        devices.map(async (device) => {
          let request: webpush.RequestDetails;
          try {
            request = webpush.generateRequestDetails({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, payload, {
              vapidDetails: keys.vapid,
              TTL: TIME_TO_LIVE_SECONDS,
              topic,
              contentEncoding: "aes128gcm",
            });
          } catch (error) {
            return { id: device.id, outcome: { kind: "refused", reason: `cannot encrypt for this device: ${(error as Error).message}` } as DeviceOutcome };
          }
          return { id: device.id, outcome: await post(request, timeoutMs) };
        }),
      );

      const idsOf = (kind: DeviceOutcome["kind"]) => outcomes.filter(({ outcome }) => outcome.kind === kind).map(({ id }) => id);
      const gone = outcomes.flatMap(({ outcome }) => (outcome.kind === "gone" ? [outcome.status] : []));
      if (gone.length > 0) await db.pushSubscription.deleteMany({ where: { id: { in: idsOf("gone") } } });
      const accepted = outcomes.flatMap(({ outcome }) => (outcome.kind === "accepted" ? [outcome] : []));
      if (accepted.length > 0) {
        await db.pushSubscription.updateMany({ where: { id: { in: idsOf("accepted") } }, data: { lastUsedAt: new Date() } });
        return { providerMessageId: accepted.find((outcome) => outcome.location)?.location ?? undefined };
      }

      const transient = outcomes.flatMap(({ outcome }) => (outcome.kind === "transient" ? [outcome] : []));
      const reasons = [
        ...(gone.length > 0 ? [`${gone.length} expired subscription(s) removed (${[...new Set(gone)].join(", ")})`] : []),
        ...outcomes.flatMap(({ outcome }) => (outcome.kind === "transient" || outcome.kind === "refused" ? [outcome.reason] : [])),
      ];
      const message = `No device accepted the push: ${reasons.join("; ")}`;
      if (transient.length > 0) {
        const hints = transient.map((outcome) => outcome.retryAfterMs).filter((ms): ms is number => ms !== null);
        throw new TransientDeliveryError(message, { retryAfterMs: hints.length > 0 ? Math.max(...hints) : null });
      }
      throw new PermanentDeliveryError(message);
    },
  };
}

export function pushPayload(delivery: Delivery): PushPayload {
  const body = delivery.message.length > MAX_BODY_LENGTH ? `${delivery.message.slice(0, MAX_BODY_LENGTH - 1)}…` : delivery.message;
  return { title: delivery.title, body, url: delivery.links.open?.url ?? null, tag: delivery.idempotencyKey, event: delivery.event };
}

/**
 * Sends the request web-push prepared. Our own fetch rather than web-push's sender: a timeout
 * through AbortSignal, no redirects followed (the endpoint came from a browser, so the server
 * posts only where it says), and one code path for https push services and a test's local one.
 */
async function post(request: webpush.RequestDetails, timeoutMs: number): Promise<DeviceOutcome> {
  const host = new URL(request.endpoint).host;
  // fetch sets Content-Length from the body itself.
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== "content-length").map(([name, value]) => [name, String(value)]));
  let response: Response;
  try {
    response = await fetch(request.endpoint, { method: "POST", headers, body: request.body ? new Uint8Array(request.body) : undefined, redirect: "error", signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : String((error as Error).cause ?? error);
    return { kind: "transient", reason: `${host}: ${cause}`, retryAfterMs: null };
  }
  const text = (await response.text().catch(() => "")).slice(0, 200);
  const status = `${host} answered ${response.status}${text ? ` (${text.trim()})` : ""}`;
  if (response.ok) return { kind: "accepted", location: response.headers.get("location") };
  if (response.status === 404 || response.status === 410) return { kind: "gone", status: response.status };
  if (response.status === 429 || response.status >= 500) return { kind: "transient", reason: status, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) };
  return { kind: "refused", reason: status };
}

/** Retry-After as seconds ("120", "2.0") or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
