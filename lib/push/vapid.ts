import { createECDH, hkdfSync } from "node:crypto";
import { env, type Env } from "../env";

/** What web-push signs with: the key pair the browsers subscribed with, and the operator's contact. */
export interface VapidDetails {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export type VapidOutcome = { ok: true; vapid: VapidDetails } | { ok: false; reason: string };

/** The contact a derived (development) key pair carries; push services only read it. */
const DEVELOPMENT_SUBJECT = "mailto:push@capliquify.invalid";

export const VAPID_NOT_CONFIGURED =
  "Web push is not configured: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT (npx web-push generate-vapid-keys)";

/**
 * The VAPID details from the environment. Outside production, unset keys are derived from
 * NEXTAUTH_SECRET: stable across restarts and identical in the web and worker processes (so a
 * browser's subscription keeps working), with nothing to set up. Production never derives keys:
 * unset there, push is unavailable and says why (the other channels keep working).
 */
export function vapidDetails(source: Env = env()): VapidOutcome {
  if (source.VAPID_PUBLIC_KEY && source.VAPID_PRIVATE_KEY) {
    if (!source.VAPID_SUBJECT && source.NODE_ENV === "production") return { ok: false, reason: VAPID_NOT_CONFIGURED };
    return { ok: true, vapid: { publicKey: source.VAPID_PUBLIC_KEY, privateKey: source.VAPID_PRIVATE_KEY, subject: source.VAPID_SUBJECT ?? DEVELOPMENT_SUBJECT } };
  }
  if (source.NODE_ENV === "production") return { ok: false, reason: VAPID_NOT_CONFIGURED };
  return { ok: true, vapid: { ...deriveVapidKeys(source.NEXTAUTH_SECRET), subject: source.VAPID_SUBJECT ?? DEVELOPMENT_SUBJECT } };
}

/**
 * A P-256 key pair from a secret: HKDF-SHA256 gives 32 bytes, taken as the private scalar. A
 * value outside [1, n-1] (odds about 2^-32) is refused by setPrivateKey; the next counter is tried.
 */
export function deriveVapidKeys(secret: string): { publicKey: string; privateKey: string } {
  for (let counter = 0; ; counter += 1) {
    const scalar = Buffer.from(hkdfSync("sha256", secret, "capliquify-vapid", `development-key-${counter}`, 32));
    const ecdh = createECDH("prime256v1");
    try {
      ecdh.setPrivateKey(scalar);
    } catch {
      continue;
    }
    return { publicKey: ecdh.getPublicKey().toString("base64url"), privateKey: scalar.toString("base64url") };
  }
}
