import nodemailer from "nodemailer";
import { env } from "../env";
import { PermanentDeliveryError, TransientDeliveryError, type NotificationChannel } from "./channel";
import { renderEmail } from "./email-template";

export interface EmailChannelOptions {
  /** @defaultValue env SMTP_URL */
  smtpUrl?: string;
  /** @defaultValue env MAIL_FROM */
  from?: string;
}

/** Network failures that say nothing about the message: the server may take it later. */
const TRANSIENT_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "ESOCKET", "ECONNECTION", "ETLS"]);

/**
 * The EMAIL channel over SMTP (nodemailer, one pooled transport per channel). The Message-ID is
 * made from the delivery's idempotency key (the job id), so a retry after an accept whose record
 * was lost sends the same Message-ID, which receiving systems use to drop duplicates.
 * SMTP 4xx is transient (retried), 5xx permanent, with the server's reply as the reason.
 */
export function emailChannel(options: EmailChannelOptions = {}): NotificationChannel & { close(): void } {
  const smtpUrl = options.smtpUrl ?? env().SMTP_URL;
  const from = options.from ?? env().MAIL_FROM;
  const transport = smtpUrl ? nodemailer.createTransport(smtpUrl, { from }) : undefined;
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "localhost";
  return {
    type: "EMAIL",
    close: () => transport?.close(),
    async send(delivery) {
      if (!transport) throw new PermanentDeliveryError("Email is not set up on this installation (SMTP_URL is unset)");
      if (!delivery.recipient.email) throw new PermanentDeliveryError("The recipient has no email address");
      const body = renderEmail(delivery);
      const messageId = `<${delivery.idempotencyKey}@${domain}>`;
      try {
        const info = await transport.sendMail({
          from,
          to: delivery.recipient.name ? { name: delivery.recipient.name, address: delivery.recipient.email } : delivery.recipient.email,
          subject: body.subject,
          text: body.text,
          html: body.html,
          messageId,
          // RFC 8058 one-click unsubscribe: mail clients show their own "unsubscribe" for it.
          headers: delivery.links.optOut ? { "List-Unsubscribe": `<${delivery.links.optOut}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } : {},
        });
        return { providerMessageId: info.messageId ?? messageId };
      } catch (error) {
        throw classify(error);
      }
    },
  };
}

function classify(error: unknown): Error {
  const failure = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const reply = failure.response ?? failure.message ?? String(error);
  if (typeof failure.responseCode === "number") {
    if (failure.responseCode >= 500) return new PermanentDeliveryError(`SMTP server refused the email: ${reply}`, { cause: error });
    if (failure.responseCode >= 400) return new TransientDeliveryError(`SMTP server deferred the email: ${reply}`, { cause: error });
  }
  if (failure.code && TRANSIENT_CODES.has(failure.code)) return new TransientDeliveryError(`Could not reach the SMTP server: ${reply}`, { cause: error });
  return new TransientDeliveryError(`Email not sent: ${reply}`, { cause: error });
}
