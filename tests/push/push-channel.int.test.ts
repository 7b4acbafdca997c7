import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { PermanentDeliveryError, TransientDeliveryError, type Delivery } from "@/lib/notifications/channel";
import { createPushChannel, retryAfterMs } from "@/lib/push/push-channel";
import { savePushSubscription } from "@/lib/push/subscriptions";
import { deriveVapidKeys, vapidDetails } from "@/lib/push/vapid";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { LocalPushService } from "./local-push-service";

/** The PUSH channel against a local push service that verifies VAPID and decrypts what it gets. */
const service = new LocalPushService();
const channel = createPushChannel();

beforeAll(() => service.start());
afterAll(() => service.stop());

function delivery(user: TestUser, overrides: Partial<Delivery> = {}): Delivery {
  return {
    idempotencyKey: randomUUID(),
    recipient: { id: user.id, email: user.email, name: "Test", phone: null, organizationId: user.organizationId },
    event: "job-failed",
    title: "Demand forecast failed",
    message: "BEA-1: Product has no sales",
    data: { jobId: "job-1" },
    links: { open: { label: "Open the run", path: "/my-runs/job-1", url: "http://localhost:3000/my-runs/job-1" }, optOut: null },
    ...overrides,
  };
}

/** A user with one subscribed device per name, each answering with its own status. */
async function userWithDevices(...devices: [string, number, Record<string, string>?][]) {
  const user = await createTestUser("PLANNER");
  const names: string[] = [];
  for (const [label, status, headers] of devices) {
    const name = `${label}-${randomUUID().slice(0, 6)}`;
    names.push(name);
    await savePushSubscription(user.id, service.subscribe(name, { status, headers }), null);
  }
  return { user, names };
}

const received = (name: string) => service.received.filter((push) => push.device === name);
const remaining = (user: TestUser) => db().pushSubscription.count({ where: { userId: user.id } });

describe("the PUSH channel", () => {
  it("sends every device of the recipient an encrypted, VAPID-signed message they can decrypt", async () => {
    const { user, names } = await userWithDevices(["laptop", 201], ["phone", 201]);
    const message = delivery(user);
    const receipt = await channel.send(message);
    expect(receipt.providerMessageId).toMatch(/\/message\/[0-9a-f]{12}$/);
    const expectedKey = deriveVapidKeys("test-secret-at-least-16-chars").publicKey;
    for (const name of names) {
      const [push] = received(name);
      expect(push, `${name} received nothing (rejected: ${JSON.stringify(service.rejected)})`).toBeDefined();
      expect(push!.payload).toEqual({ title: "Demand forecast failed", body: "BEA-1: Product has no sales", url: "http://localhost:3000/my-runs/job-1", tag: message.idempotencyKey, event: "job-failed" });
      expect(push!.vapidPublicKey).toBe(expectedKey);
      expect(push!.claims.sub).toBe("mailto:push@capliquify.invalid");
      expect(push!.headers.ttl).toBe(String(24 * 60 * 60));
      expect(push!.headers.topic).toMatch(/^[\w-]{32}$/);
    }
    const rows = await db().pushSubscription.findMany({ where: { userId: user.id } });
    expect(rows.every((row) => row.lastUsedAt !== null)).toBe(true);
    expect(service.rejected).toEqual([]);
  });

  it("cuts a long message so the payload stays within what push services take", async () => {
    const { user, names } = await userWithDevices(["long", 201]);
    await channel.send(delivery(user, { message: "x".repeat(5_000) }));
    const body = (received(names[0]!)[0]!.payload as { body: string }).body;
    expect(body).toHaveLength(1_000);
    expect(body.endsWith("…")).toBe(true);
  });

  it("removes a subscription the push service says is gone (410) and is delivered by the device that accepted", async () => {
    const { user, names } = await userWithDevices(["expired", 410], ["current", 201]);
    await channel.send(delivery(user));
    expect(received(names[1]!)).toHaveLength(1);
    const left = await db().pushSubscription.findMany({ where: { userId: user.id }, select: { endpoint: true } });
    expect(left.map((row) => row.endpoint)).toEqual([expect.stringContaining(names[1]!)]);
  });

  it("fails for good, removing them, when every subscription is gone (404, 410)", async () => {
    const { user } = await userWithDevices(["old", 404], ["older", 410]);
    const failure = await channel.send(delivery(user)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentDeliveryError);
    expect((failure as Error).message).toMatch(/2 expired subscription\(s\) removed \(404, 410\)/);
    expect(await remaining(user)).toBe(0);
  });

  it("retries when a push service is busy (429 with Retry-After) or failing (5xx), keeping the devices", async () => {
    const { user, names } = await userWithDevices(["busy", 429, { "retry-after": "2.0" }], ["broken", 503]);
    const failure = await channel.send(delivery(user)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientDeliveryError);
    expect((failure as TransientDeliveryError).retryAfterMs).toBe(2_000);
    expect((failure as Error).message).toMatch(/answered 429.*answered 503/);
    expect(await remaining(user)).toBe(2);
    // The next attempt goes through once the service takes messages again.
    service.answer(names[0]!, { status: 201 });
    await channel.send(delivery(user));
    expect(received(names[0]!).length).toBeGreaterThanOrEqual(1);
  });

  it("treats another 4xx as that device's for good, keeping its subscription", async () => {
    const { user } = await userWithDevices(["refusing", 403]);
    const failure = await channel.send(delivery(user)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentDeliveryError);
    expect((failure as Error).message).toMatch(/answered 403/);
    expect(await remaining(user)).toBe(1);
  });

  it("retries when the push service cannot be reached", async () => {
    const user = await createTestUser("PLANNER");
    const unreachable = service.subscribe(`down-${randomUUID().slice(0, 6)}`);
    await savePushSubscription(user.id, { ...unreachable, endpoint: "http://127.0.0.1:9/push/nobody" }, null);
    await expect(channel.send(delivery(user))).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it("fails for good when the recipient has no device, or the server has no VAPID keys", async () => {
    const user = await createTestUser("PLANNER");
    await expect(channel.send(delivery(user))).rejects.toThrow(new PermanentDeliveryError(`${user.email} has no device subscribed to push notifications`));
    const unconfigured = createPushChannel({ vapid: () => vapidDetails(parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "a-long-enough-production-secret", INTEGRATION_SECRET_KEY: "ab".repeat(32) })) });
    await expect(unconfigured.send(delivery(user))).rejects.toThrow(/Web push is not configured/);
  });
});

describe("retryAfterMs", () => {
  it("reads seconds (also fractional) and HTTP dates", () => {
    expect(retryAfterMs("120")).toBe(120_000);
    expect(retryAfterMs("2.0")).toBe(2_000);
    expect(retryAfterMs("Thu, 03 Dec 2026 12:00:30 GMT", Date.parse("2026-12-03T12:00:00Z"))).toBe(30_000);
    expect(retryAfterMs("soon")).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});
