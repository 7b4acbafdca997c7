import { createECDH, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import * as subscriptions from "@/app/api/v1/me/push-subscriptions/route";
import * as vapidKey from "@/app/api/v1/push/vapid-public-key/route";
import { db } from "@/lib/db";
import { deriveVapidKeys } from "@/lib/push/vapid";
import { call, createTestUser, type TestUser } from "../helpers/fixtures";
import { SAME_ORIGIN } from "../api/support";

/** The subscribe / unsubscribe API a browser calls from the settings page, and the key it subscribes with. */
let planner: TestUser;
let other: TestUser;

beforeAll(async () => {
  [planner, other] = await Promise.all([createTestUser("PLANNER"), createTestUser("PLANNER")]);
});

/** What PushSubscription.toJSON() gives in a browser: a fresh P-256 key and a 16-byte auth secret. */
function browserSubscription(endpoint = `https://push.example.test/send/${randomBytes(8).toString("hex")}`) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") } };
}

const CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const subscribe = (user: TestUser, body: unknown) =>
  call(subscriptions.POST, { method: "POST", path: "/api/v1/me/push-subscriptions", body, auth: { apiKey: user.apiKey }, headers: { "user-agent": CHROME_UA } });
const unsubscribe = (user: TestUser, body: unknown) => call(subscriptions.DELETE, { method: "DELETE", path: "/api/v1/me/push-subscriptions", body, auth: { apiKey: user.apiKey } });
const devices = (user: TestUser) => call(subscriptions.GET, { path: "/api/v1/me/push-subscriptions", auth: { apiKey: user.apiKey } });

describe("POST /api/v1/me/push-subscriptions", () => {
  it("stores the browser's subscription with a device label from its User-Agent, never answering the keys", async () => {
    const subscription = browserSubscription();
    const answer = await subscribe(planner, subscription);
    expect(answer.status).toBe(201);
    expect(answer.json.device).toMatchObject({ endpoint: subscription.endpoint, deviceLabel: "Chrome on Linux", lastUsedAt: null });
    expect(JSON.stringify(answer.json)).not.toContain(subscription.keys.auth);
    const row = await db().pushSubscription.findUniqueOrThrow({ where: { endpoint: subscription.endpoint } });
    expect(row).toMatchObject({ userId: planner.id, p256dh: subscription.keys.p256dh, auth: subscription.keys.auth, userAgent: CHROME_UA });
    expect((await devices(planner)).json.devices.map((device: { endpoint: string }) => device.endpoint)).toContain(subscription.endpoint);
  });

  it("replaces the row when the same browser subscribes again, also for another user signed in on it", async () => {
    const first = browserSubscription();
    expect((await subscribe(planner, first)).status).toBe(201);
    const renewed = { ...browserSubscription(first.endpoint), deviceLabel: "Workshop tablet" };
    const again = await subscribe(other, renewed);
    expect(again.status).toBe(200);
    expect(again.json.device.deviceLabel).toBe("Workshop tablet");
    const rows = await db().pushSubscription.findMany({ where: { endpoint: first.endpoint } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: other.id, p256dh: renewed.keys.p256dh });
  });

  it.each([
    ["no endpoint", { keys: browserSubscription().keys }, "body.endpoint"],
    ["an http endpoint elsewhere than this machine", { ...browserSubscription("http://push.example.test/x") }, "body.endpoint"],
    ["a p256dh that is no P-256 point", { ...browserSubscription(), keys: { p256dh: randomBytes(32).toString("base64url"), auth: randomBytes(16).toString("base64url") } }, "body.keys.p256dh"],
    ["an auth secret of the wrong length", { ...browserSubscription(), keys: { ...browserSubscription().keys, auth: randomBytes(8).toString("base64url") } }, "body.keys.auth"],
    ["no keys", { endpoint: "https://push.example.test/y" }, "body.keys"],
  ])("refuses %s with the field named", async (_case, body, path) => {
    const answer = await subscribe(planner, body);
    expect(answer.status).toBe(422);
    expect(answer.json.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
  });

  it("needs a signed-in caller and refuses cross-site browser requests", async () => {
    const anonymous = await call(subscriptions.POST, { method: "POST", path: "/api/v1/me/push-subscriptions", body: browserSubscription() });
    expect(anonymous.status).toBe(401);
    const crossSite = await call(subscriptions.POST, {
      method: "POST",
      path: "/api/v1/me/push-subscriptions",
      body: browserSubscription(),
      auth: { cookie: planner.cookie },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    const sameSite = await call(subscriptions.POST, { method: "POST", path: "/api/v1/me/push-subscriptions", body: browserSubscription(), auth: { cookie: planner.cookie }, headers: SAME_ORIGIN });
    expect(sameSite.status).toBe(201);
  });
});

describe("DELETE /api/v1/me/push-subscriptions", () => {
  it("removes the caller's own subscription only", async () => {
    const subscription = browserSubscription();
    await subscribe(planner, subscription);
    expect((await unsubscribe(other, { endpoint: subscription.endpoint })).status).toBe(404);
    expect(await db().pushSubscription.count({ where: { endpoint: subscription.endpoint } })).toBe(1);
    expect((await unsubscribe(planner, { endpoint: subscription.endpoint })).status).toBe(204);
    expect(await db().pushSubscription.count({ where: { endpoint: subscription.endpoint } })).toBe(0);
    expect((await unsubscribe(planner, {})).status).toBe(422);
  });
});

describe("GET /api/v1/push/vapid-public-key", () => {
  it("answers anyone with the key derived from the session secret outside production", async () => {
    const answer = await call(vapidKey.GET, { path: "/api/v1/push/vapid-public-key" });
    expect(answer.status).toBe(200);
    expect(answer.json.publicKey).toBe(deriveVapidKeys("test-secret-at-least-16-chars").publicKey);
    expect(Buffer.from(answer.json.publicKey, "base64url")).toHaveLength(65);
  });
});
