import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { Delivery, DeliveryReceipt, NotificationChannel } from "./channel";

export interface DeliveryOutcome extends DeliveryReceipt {
  /** True when an earlier attempt of the job had delivered it: nothing was sent this time. */
  repeated: boolean;
}

/**
 * Sends a delivery at most once per idempotency key as far as this side can know: the attempt is
 * recorded before the provider is called and marked accepted, with the provider's id, as soon as
 * it answers. A retry that finds the mark sends nothing. What remains: a crash (or a lost database
 * write) between the provider's accept and the mark makes the retry send again; for email that
 * second copy carries the same Message-ID (lib/notifications/email.ts), which receivers use to
 * drop it, and `attempts` on the record shows it happened.
 */
export async function deliverOnce(delivery: Delivery, channel: NotificationChannel, { db = defaultDb() }: { db?: Db } = {}): Promise<DeliveryOutcome> {
  const jobId = delivery.idempotencyKey;
  const existing = await db.notificationDelivery.findUnique({ where: { jobId } });
  if (existing?.acceptedAt) return { providerMessageId: existing.providerMessageId ?? undefined, repeated: true };
  await db.notificationDelivery.upsert({
    where: { jobId },
    create: { jobId, channel: channel.type, userId: delivery.recipient.id },
    update: { attempts: { increment: 1 } },
  });
  const receipt = await channel.send(delivery);
  await db.notificationDelivery.update({ where: { jobId }, data: { acceptedAt: new Date(), providerMessageId: receipt.providerMessageId ?? null } });
  return { ...receipt, repeated: false };
}
