import type { NOTIFICATION_TYPES } from "../jobs/catalog";
import type { NotificationEvent } from "./events";

export { NOTIFICATION_EVENTS, NOTIFICATION_EVENT_LABELS, isNotificationEvent, type NotificationEvent } from "./events";

/** The channels, as the notification queue's payload names them (`type`). */
export type ChannelType = (typeof NOTIFICATION_TYPES)[number];

/** Who receives a delivery, read from the User row when the job runs (not from the payload). */
export interface Recipient {
  id: string;
  email: string;
  name: string | null;
  /** E.164 (`+4915112345678`), from the user's notification preferences; null when none is set. */
  phone: string | null;
  organizationId: string | null;
}

/** A page of the app a delivery points to: `path` as the bell stores it, `url` absolute (for email, SMS, push). */
export interface DeliveryLink {
  label: string;
  path: string;
  url: string;
}

/** One message to one recipient on one channel: what a notification job asks a channel to send. */
export interface Delivery {
  /**
   * The notification job's id. A channel must not deliver twice under the same key: BullMQ retries
   * a job with the same id, so a retry after an accepted send is recognised by it.
   */
  idempotencyKey: string;
  recipient: Recipient;
  /** Which of the platform's events this is; null for a message an admin enqueued by hand. */
  event: NotificationEvent | null;
  title: string;
  message: string;
  /** The payload's `data`: extra fields for the event's template (jobId, queue, figures, …). */
  data: Record<string, unknown>;
  links: {
    /** Where the message leads in the app (the job, the queue, the report); null when nowhere in particular. */
    open: DeliveryLink | null;
    /** A signed URL that turns this event off on this channel without signing in; null when there is no event to turn off. */
    optOut: string | null;
  };
}

export interface DeliveryReceipt {
  /** The provider's id for the accepted message (SMTP Message-ID, Twilio SID, the Notification row id, …). */
  providerMessageId?: string;
}

/** Sends deliveries on one channel. Throws PermanentDeliveryError or TransientDeliveryError when the provider refuses. */
export interface NotificationChannel {
  type: ChannelType;
  send(delivery: Delivery): Promise<DeliveryReceipt>;
}

/**
 * The provider refused for good (SMTP 5xx, an invalid number, an expired push subscription, a
 * recipient without an address): the job fails at once, without retries, with `message` as its reason.
 */
export class PermanentDeliveryError extends Error {
  override readonly name = "PermanentDeliveryError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The provider could not take the message now (SMTP 4xx, HTTP 429/5xx, a connection refused): the
 * job is retried with the queue's backoff; `message` is the attempt's failure reason.
 */
export class TransientDeliveryError extends Error {
  override readonly name = "TransientDeliveryError";
  /** The provider's own hint, when it gave one (HTTP `Retry-After`), in ms. */
  readonly retryAfterMs: number | null;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number | null }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs ?? null;
  }
}
