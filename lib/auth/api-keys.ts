import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { Role } from "../jobs/catalog";

const KEY_PREFIX = "cq_";
/** lastUsedAt is refreshed at most this often, so a busy script does not write on every call. */
const LAST_USED_REFRESH_MS = 60_000;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Creates a key for a user; the plain key is returned once and only its hash is stored. */
export async function createApiKey(userId: string, name: string, { db = defaultDb() }: { db?: Db } = {}) {
  const key = KEY_PREFIX + randomBytes(24).toString("base64url");
  const record = await db.apiKey.create({
    data: { userId, name, prefix: key.slice(0, KEY_PREFIX.length + 6), hash: hashApiKey(key) },
  });
  return { key, record };
}

export interface ApiKeyOwner {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export async function authenticateApiKey(key: string, { db = defaultDb() }: { db?: Db } = {}): Promise<ApiKeyOwner | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const record = await db.apiKey.findUnique({ where: { hash: hashApiKey(key) }, include: { user: true } });
  if (!record || record.revokedAt) return null;
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > LAST_USED_REFRESH_MS) {
    await db.apiKey.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  const { user } = record;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

export function revokeApiKey(id: string, { db = defaultDb() }: { db?: Db } = {}) {
  return db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
}
