import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { openSecret, sealSecret, SealedSecretError } from "@/lib/integrations/secrets";

describe("integration secrets", () => {
  const key = randomBytes(32);

  it("seals with a fresh IV each time and opens again", () => {
    const first = sealSecret("shpat_secret-token", key);
    const second = sealSecret("shpat_secret-token", key);
    expect(first).not.toBe(second);
    expect(first).not.toContain("shpat_secret-token");
    expect(openSecret(first, key)).toBe("shpat_secret-token");
  });

  it("refuses a value sealed under another key or altered, without quoting it", () => {
    const sealed = sealSecret("shpat_secret-token", key);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow(SealedSecretError);
    const [version, iv, tag, ciphertext] = sealed.split(".");
    const flipped = Buffer.from(ciphertext!, "base64url");
    flipped[0] ^= 1;
    expect(() => openSecret([version, iv, tag, flipped.toString("base64url")].join("."), key)).toThrow(/re-enter/);
    expect(() => openSecret("plain text", key)).toThrow(SealedSecretError);
  });

  it("reads INTEGRATION_SECRET_KEY as hex or base64 and requires it in production", () => {
    expect(parseEnv({ INTEGRATION_SECRET_KEY: "ab".repeat(32) }).INTEGRATION_SECRET_KEY).toEqual(Buffer.alloc(32, 0xab));
    expect(parseEnv({ INTEGRATION_SECRET_KEY: key.toString("base64") }).INTEGRATION_SECRET_KEY).toEqual(key);
    expect(() => parseEnv({ INTEGRATION_SECRET_KEY: randomBytes(16).toString("base64") })).toThrow(/INTEGRATION_SECRET_KEY: must be 32 bytes/);
    expect(() => parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "a-long-enough-production-secret" })).toThrow(/INTEGRATION_SECRET_KEY: required in production/);
    expect(parseEnv({}).INTEGRATION_SECRET_KEY).toHaveLength(32);
  });
});
