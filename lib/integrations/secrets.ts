import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "../env";

/**
 * Integration credentials and webhook secrets at rest: AES-256-GCM under INTEGRATION_SECRET_KEY,
 * a fresh 96-bit IV per value, stored as `v1.<iv>.<tag>.<ciphertext>` (base64url). The version
 * prefix leaves room for a key rotation that re-seals old values.
 */
const VERSION = "v1";

export class SealedSecretError extends Error {
  constructor() {
    // Never the value itself: it may be a credential.
    super("A stored integration secret cannot be read with the current INTEGRATION_SECRET_KEY; re-enter the integration's credentials");
    this.name = "SealedSecretError";
  }
}

export function sealSecret(plaintext: string, key: Buffer = env().INTEGRATION_SECRET_KEY): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

/** The plaintext; throws SealedSecretError when the value was sealed under another key or altered. */
export function openSecret(sealed: string, key: Buffer = env().INTEGRATION_SECRET_KEY): string {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new SealedSecretError();
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SealedSecretError();
  }
}
