import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
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
  organizationId: string;
}

/**
 * Keys seen recently, by hash. Scripts call the API in bursts and each lookup would otherwise be a
 * database round trip per request; a revoked key stops working here at once and in other web
 * processes within the TTL.
 */
const CACHE_TTL_MS = 10_000;
const cache = new Map<string, { owner: ApiKeyOwner | null; keyId: string | null; expires: number }>();

export async function authenticateApiKey(key: string, { db = defaultDb() }: { db?: Db } = {}): Promise<ApiKeyOwner | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const hash = hashApiKey(key);
  const cached = cache.get(hash);
  if (cached && cached.expires > Date.now()) return cached.owner;

  const { rows } = await sqlPool(db).query<{
    keyId: string;
    revoked: boolean;
    id: string;
    email: string;
    name: string;
    role: Role;
    organizationId: string;
  }>(
    `SELECT k."id" AS "keyId", k."revokedAt" IS NOT NULL AS "revoked", u."id", u."email", u."name", u."role", u."organizationId"
     FROM "ApiKey" k JOIN "User" u ON u."id" = k."userId" WHERE k."hash" = $1`,
    [hash],
  );
  const row = rows[0];
  const owner = row && !row.revoked ? { id: row.id, email: row.email, name: row.name, role: row.role, organizationId: row.organizationId } : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(hash, { owner, keyId: row?.keyId ?? null, expires: Date.now() + CACHE_TTL_MS });
  if (owner) {
    await sqlPool(db).query(
      `UPDATE "ApiKey" SET "lastUsedAt" = (now() AT TIME ZONE 'UTC')
       WHERE "id" = $1 AND ("lastUsedAt" IS NULL OR "lastUsedAt" < (now() AT TIME ZONE 'UTC') - $2 * interval '1 millisecond')`,
      [row!.keyId, LAST_USED_REFRESH_MS],
    );
  }
  return owner;
}

export async function revokeApiKey(id: string, { db = defaultDb() }: { db?: Db } = {}) {
  const record = await db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  cache.delete(record.hash);
  return record;
}
