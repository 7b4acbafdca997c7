import { z } from "zod";
import { db as defaultDb, type Db } from "../db";
import { env } from "../env";

/** A base64url field of a subscription's keys that decodes to `length` bytes. */
const keyField = (name: string, length: number, what: string) =>
  z
    .string({ error: `keys.${name} must be a string` })
    .trim()
    .refine((value) => /^[A-Za-z0-9_-]+={0,2}$/.test(value) && Buffer.from(value, "base64url").length === length, `keys.${name} must be ${what}, base64url`);

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * What `PushSubscription.toJSON()` gives in the browser, with `deviceLabel` beside it. The
 * endpoint is where the server will POST, so it must be https (every browser's push service is);
 * outside production a loopback http endpoint is allowed for local push servers in tests.
 */
export const pushSubscriptionSchema = z.object({
  endpoint: z
    .url({ error: "endpoint must be a URL" })
    .max(2_000, "endpoint must be at most 2000 characters")
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname) && env().NODE_ENV !== "production");
    }, "endpoint must be an https URL (a browser's push service)"),
  expirationTime: z.number().nullable().optional(),
  keys: z.object(
    {
      p256dh: keyField("p256dh", 65, "an uncompressed P-256 public key (65 bytes)"),
      auth: keyField("auth", 16, "a 16-byte secret"),
    },
    { error: "keys must be an object with p256dh and auth" },
  ),
  deviceLabel: z.string().trim().min(1).max(100, "deviceLabel must be at most 100 characters").optional(),
});

export type PushSubscriptionInput = z.infer<typeof pushSubscriptionSchema>;

/** A device as the API shows it: never its keys. */
export interface PushDevice {
  id: string;
  endpoint: string;
  deviceLabel: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

const deviceSelect = { id: true, endpoint: true, deviceLabel: true, createdAt: true, lastUsedAt: true } as const;

function toDevice(row: { id: string; endpoint: string; deviceLabel: string | null; createdAt: Date; lastUsedAt: Date | null }): PushDevice {
  return { ...row, createdAt: row.createdAt.toISOString(), lastUsedAt: row.lastUsedAt?.toISOString() ?? null };
}

/**
 * Stores the browser's subscription for `userId`. The endpoint names one browser profile, so a
 * browser that subscribes again (new keys) or for another user who signed in on it replaces
 * the row: pushes go to whoever subscribed on that device last.
 */
export async function savePushSubscription(
  userId: string,
  input: PushSubscriptionInput,
  userAgent: string | null,
  { db = defaultDb() }: { db?: Db } = {},
): Promise<{ device: PushDevice; created: boolean }> {
  const fields = {
    userId,
    p256dh: input.keys.p256dh,
    auth: input.keys.auth,
    userAgent: userAgent?.slice(0, 500) ?? null,
    deviceLabel: input.deviceLabel ?? (userAgent ? deviceLabelOf(userAgent) : null),
  };
  const existing = await db.pushSubscription.findUnique({ where: { endpoint: input.endpoint }, select: { id: true } });
  const row = await db.pushSubscription.upsert({ where: { endpoint: input.endpoint }, create: { endpoint: input.endpoint, ...fields }, update: fields, select: deviceSelect });
  return { device: toDevice(row), created: existing === null };
}

/** Removes the caller's subscription of that endpoint; false when they have none there. */
export async function deletePushSubscription(userId: string, endpoint: string, { db = defaultDb() }: { db?: Db } = {}): Promise<boolean> {
  const { count } = await db.pushSubscription.deleteMany({ where: { userId, endpoint } });
  return count > 0;
}

/** The caller's devices, most recently subscribed first. */
export async function listPushDevices(userId: string, { db = defaultDb() }: { db?: Db } = {}): Promise<PushDevice[]> {
  const rows = await db.pushSubscription.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, select: deviceSelect });
  return rows.map(toDevice);
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, "Edge"],
  [/OPR\//, "Opera"],
  [/Firefox\//, "Firefox"],
  [/Chrom(e|ium)\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPad/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

/** "Chrome on Linux": enough for a user to tell their devices apart in a list. */
export function deviceLabelOf(userAgent: string): string {
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? "Browser";
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  return system ? `${browser} on ${system}` : browser;
}
