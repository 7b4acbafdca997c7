import webpush from "web-push";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { deriveVapidKeys, vapidDetails } from "@/lib/push/vapid";

/** VAPID settings: a pair set by the operator is checked at start; development derives one. */
describe("VAPID keys", () => {
  const pair = webpush.generateVAPIDKeys();
  const other = webpush.generateVAPIDKeys();
  const problem = (source: Record<string, string>) => {
    try {
      parseEnv(source);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("accepted");
  };

  it("accepts a pair from web-push generate-vapid-keys with a mailto: or https: subject", () => {
    for (const subject of ["mailto:ops@example.com", "https://planning.example.com/contact"]) {
      const parsed = parseEnv({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: subject });
      expect(vapidDetails(parsed)).toEqual({ ok: true, vapid: { publicKey: pair.publicKey, privateKey: pair.privateKey, subject } });
    }
  });

  it("refuses half a pair, keys of two pairs, malformed keys and other subjects, naming the variable", () => {
    expect(problem({ VAPID_PUBLIC_KEY: pair.publicKey })).toMatch(/VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: set both or neither/);
    expect(problem({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: other.privateKey })).toMatch(/VAPID_PUBLIC_KEY: is not the public key of VAPID_PRIVATE_KEY/);
    expect(problem({ VAPID_PUBLIC_KEY: pair.publicKey.slice(0, 40), VAPID_PRIVATE_KEY: pair.privateKey })).toMatch(/VAPID_PUBLIC_KEY: must be an uncompressed P-256 public key/);
    expect(problem({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: "not+base64url" })).toMatch(/VAPID_PRIVATE_KEY: must be a P-256 private key/);
    expect(problem({ VAPID_SUBJECT: "http://planning.example.com" })).toMatch(/VAPID_SUBJECT: must be a mailto: or https: URL/);
  });

  it("derives a stable pair from the session secret outside production, one per secret", () => {
    const first = vapidDetails(parseEnv({ NEXTAUTH_SECRET: "a-development-secret-1" }));
    const again = vapidDetails(parseEnv({ NEXTAUTH_SECRET: "a-development-secret-1", NODE_ENV: "test" }));
    const another = vapidDetails(parseEnv({ NEXTAUTH_SECRET: "a-development-secret-2" }));
    if (!first.ok || !again.ok || !another.ok) throw new Error("no keys derived");
    expect(again.vapid.publicKey).toBe(first.vapid.publicKey);
    expect(another.vapid.publicKey).not.toBe(first.vapid.publicKey);
    // A real pair: web-push signs with it, and its public key is the one the private key gives.
    const derived = deriveVapidKeys("a-development-secret-1");
    expect(parseEnv({ VAPID_PUBLIC_KEY: derived.publicKey, VAPID_PRIVATE_KEY: derived.privateKey }).VAPID_PUBLIC_KEY).toBe(first.vapid.publicKey);
    const headers = webpush.getVapidHeaders("https://push.example.test", first.vapid.subject, first.vapid.publicKey, first.vapid.privateKey, "aes128gcm");
    expect(headers.Authorization).toMatch(/^vapid t=.+, k=/);
  });

  it("never derives keys in production: push is unavailable there until all three are set", () => {
    const secret = { NODE_ENV: "production", NEXTAUTH_SECRET: "a-long-enough-production-secret", INTEGRATION_SECRET_KEY: "ab".repeat(32) };
    expect(vapidDetails(parseEnv(secret))).toEqual({ ok: false, reason: expect.stringMatching(/set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT/) });
    expect(vapidDetails(parseEnv({ ...secret, VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey })).ok).toBe(false);
    expect(vapidDetails(parseEnv({ ...secret, VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: "mailto:ops@example.com" })).ok).toBe(true);
  });
});
