import { UnrecoverableError } from "bullmq";
import { PermanentDeliveryError, type ChannelType, type NotificationChannel } from "../../lib/notifications/channel";
import { buildDelivery } from "../../lib/notifications/build-delivery";
import { deliverOnce } from "../../lib/notifications/deliver";
import { emailChannel } from "../../lib/notifications/email";
import { inAppChannel } from "../../lib/notifications/in-app";
import { createPushChannel } from "../../lib/push/push-channel";
import type { Processor } from "../processor";

/** The channels this installation has; a job for one it lacks fails for good, saying which. */
export type ChannelMap = Partial<Record<ChannelType, NotificationChannel>>;

/**
 * Sends the job's one channel, at most once per job (lib/notifications/deliver.ts). A permanent
 * refusal (SMTP 5xx, no address) fails the job without retries, its reason on the job; a
 * transient one is retried with the queue's backoff. The queue's limiter (50/s across workers)
 * paces the sends.
 */
export function createNotificationProcessor(channels: () => ChannelMap): Processor<"notification"> {
  return {
    async run(job, context) {
      const { userId, type, title, message, data } = job.data;
      const channel = channels()[type];
      if (!channel) throw new UnrecoverableError(`The ${type} channel is not available on this installation`);
      await context.step("sending");
      const delivery = await buildDelivery({ jobId: job.id, userId, type, title, message, data }, { db: context.db });
      if (!delivery) throw new UnrecoverableError(`User ${userId} no longer exists`);
      let outcome;
      try {
        outcome = await deliverOnce(delivery, channel, { db: context.db });
      } catch (error) {
        if (error instanceof PermanentDeliveryError) throw new UnrecoverableError(error.message);
        throw error;
      }
      if (outcome.repeated) await context.log("Already delivered by an earlier attempt; not sent again");
      await context.step("done");
      return { success: true, notificationId: outcome.providerMessageId ?? job.id, type, deliveredAt: new Date().toISOString() };
    },
  };
}

let defaults: ChannelMap | undefined;

/** The channels from the environment, made on the first job (a pooled SMTP transport per process). SMS has no provider yet: its jobs fail saying so. */
export const notificationProcessor = createNotificationProcessor(() => (defaults ??= { IN_APP: inAppChannel(), EMAIL: emailChannel(), PUSH: createPushChannel() }));
