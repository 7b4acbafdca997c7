import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { PermanentDeliveryError, TransientDeliveryError, type Delivery } from "@/lib/notifications/channel";
import { deliverOnce } from "@/lib/notifications/deliver";
import { emailChannel } from "@/lib/notifications/email";
import { optOutUrl, readOptOutToken } from "@/lib/notifications/opt-out";
import { createTestUser, type TestUser } from "../helpers/fixtures";

/** A real SMTP server in the test: it keeps what it accepted, and refuses recipients as told. */
const received: { to: string[]; raw: string }[] = [];
const refusals = new Map<string, { code: number; message: string }>();
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onRcptTo(address, _session, callback) {
    const refusal = refusals.get(address.address);
    if (!refusal) return callback();
    callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: Buffer.concat(chunks).toString() });
      callback();
    });
  },
});

let channel: ReturnType<typeof emailChannel>;
let user: TestUser;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  channel = emailChannel({ smtpUrl: `smtp://127.0.0.1:${port}`, from: "CapLiquify <alerts@capliquify.test>" });
  user = await createTestUser("PLANNER");
});

afterAll(async () => {
  channel.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Quoted-printable and soft line breaks undone, so links and text can be found as written. */
function decoded(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function delivery(overrides: Partial<Delivery> = {}, email = user.email): Delivery {
  const jobId = randomUUID();
  return {
    idempotencyKey: randomUUID(),
    recipient: { id: user.id, email, name: "Ada <Planner>", phone: null, organizationId: user.organizationId },
    event: "job-failed",
    title: "Forecast failed",
    message: "BEA-1: Product has no sales",
    data: { jobId, queue: "forecast" },
    links: {
      open: { label: "Open the job", path: `/jobs/forecast/${jobId}`, url: `http://app.test/jobs/forecast/${jobId}` },
      optOut: optOutUrl({ userId: user.id, event: "job-failed", channel: "EMAIL" }),
    },
    ...overrides,
  };
}

describe("the EMAIL channel", () => {
  it("delivers one message with both bodies, absolute links, the Message-ID of the job and a one-click opt-out", async () => {
    const sent = delivery();
    const receipt = await channel.send(sent);
    const message = received.find((entry) => entry.raw.includes(sent.idempotencyKey))!;
    expect(message.to).toEqual([user.email]);
    const raw = decoded(message.raw);
    expect(receipt.providerMessageId).toBe(`<${sent.idempotencyKey}@capliquify.test>`);
    expect(raw).toMatch(new RegExp(`^Message-ID: <${sent.idempotencyKey}@capliquify.test>`, "mi"));
    expect(raw).toMatch(/^Subject: Forecast failed/m);
    expect(raw).toMatch(/^From: CapLiquify <alerts@capliquify.test>/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(raw).toMatch(/^Content-Type: text\/plain/m);
    expect(raw).toMatch(/^Content-Type: text\/html/m);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    // The text body and the HTML body say the same, with the job's absolute link and the opt-out link.
    expect(raw).toContain(`See what went wrong: ${sent.links.open!.url}`);
    expect(raw).toContain(`<a href="${sent.links.open!.url}"`);
    expect(raw).toContain("BEA-1: Product has no sales");
    const optOut = /Turn these emails off: (\S+)/.exec(raw)![1]!;
    expect(optOut).toBe(sent.links.optOut);
    expect(readOptOutToken(new URL(optOut).searchParams.get("token")!)).toEqual({ userId: user.id, event: "job-failed", channel: "EMAIL" });
    // What the user wrote is escaped in the HTML.
    expect(raw).toContain("Hello Ada &lt;Planner&gt;,");
  });

  it("turns SMTP 5xx into a permanent error and 4xx into a transient one, with the server's reply", async () => {
    refusals.set("gone@capliquify.test", { code: 550, message: "5.1.1 Mailbox does not exist" });
    refusals.set("busy@capliquify.test", { code: 451, message: "4.7.1 Try again later" });
    const permanent = await channel.send(delivery({}, "gone@capliquify.test")).catch((error: unknown) => error);
    expect(permanent).toBeInstanceOf(PermanentDeliveryError);
    expect((permanent as Error).message).toContain("Mailbox does not exist");
    const transient = await channel.send(delivery({}, "busy@capliquify.test")).catch((error: unknown) => error);
    expect(transient).toBeInstanceOf(TransientDeliveryError);
    expect((transient as Error).message).toContain("Try again later");
  });

  it("fails permanently when SMTP is not set up, and transiently when the server cannot be reached", async () => {
    await expect(emailChannel({ smtpUrl: undefined }).send(delivery())).rejects.toBeInstanceOf(PermanentDeliveryError);
    const unreachable = emailChannel({ smtpUrl: "smtp://127.0.0.1:1" });
    await expect(unreachable.send(delivery())).rejects.toBeInstanceOf(TransientDeliveryError);
    unreachable.close();
  });

  it("a retried job does not send a second email the server accepted", async () => {
    const sent = delivery();
    const first = await deliverOnce(sent, channel, { db: db() });
    const again = await deliverOnce(sent, channel, { db: db() });
    expect(first.repeated).toBe(false);
    expect(again).toEqual({ providerMessageId: first.providerMessageId, repeated: true });
    expect(received.filter((entry) => entry.raw.includes(sent.idempotencyKey))).toHaveLength(1);
    expect(await db().notificationDelivery.findUniqueOrThrow({ where: { jobId: sent.idempotencyKey } })).toMatchObject({ channel: "EMAIL", attempts: 1, providerMessageId: first.providerMessageId });
  });

  it("a refused attempt is recorded as not accepted, so the retry sends", async () => {
    refusals.set("later@capliquify.test", { code: 421, message: "4.3.2 Service shutting down" });
    const sent = delivery({}, "later@capliquify.test");
    await expect(deliverOnce(sent, channel, { db: db() })).rejects.toBeInstanceOf(TransientDeliveryError);
    refusals.delete("later@capliquify.test");
    expect((await deliverOnce(sent, channel, { db: db() })).repeated).toBe(false);
    expect(await db().notificationDelivery.findUniqueOrThrow({ where: { jobId: sent.idempotencyKey } })).toMatchObject({ attempts: 2 });
    expect(received.filter((entry) => entry.raw.includes(sent.idempotencyKey))).toHaveLength(1);
  });
});
