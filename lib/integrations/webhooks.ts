import { createHmac, timingSafeEqual } from "node:crypto";
import { db as defaultDb, type Db } from "../db";
import { env } from "../env";
import { SYNC_DATA_TYPES } from "../jobs/catalog";
import { enqueueJob } from "../jobs/enqueue-job";
import { sharedRedis, type RedisClient } from "../redis";
import { openWebhookSecret, syncJobData } from "./integrations";

/**
 * A provider's webhook: verified, deduplicated, turned into an incremental sync.
 * - The signature is Shopify's: base64 HMAC-SHA256 of the raw body with the integration's
 *   webhook secret, compared in constant time.
 * - Shopify repeats deliveries (and retries failed ones for hours) under the same
 *   `X-Shopify-Webhook-Id`: the id is claimed with SET NX in Redis for 48 hours, so a replay is
 *   answered 200 and does nothing. Redis rather than a table: the claim must be atomic across web
 *   instances, it is hot and short-lived (no table to prune), and losing it to a Redis flush costs
 *   at most one extra incremental sync, which changes nothing (lines are upserted by id).
 * - The sync waits `debounceMs` and is deduplicated by the sync queue's catalogue key: while it
 *   waits or runs, further webhooks of the integration answer with that job, so a burst is one sync.
 */
export const WEBHOOK_DEDUPE_TTL_MS = 48 * 60 * 60 * 1000;
export const WEBHOOK_DEBOUNCE_MS = 5_000;

export type WebhookOutcome =
  | { ok: true; duplicate: true }
  | { ok: true; duplicate: false; jobId: string | null; deduplicated: boolean; note?: string }
  | { ok: false; code: "not-found" | "bad-signature" | "no-delivery-id" | "unavailable"; message: string };

interface Deps {
  db?: Db;
  redis?: RedisClient;
  prefix?: string;
  debounceMs?: number;
}

export function webhookDeliveryKey(prefix: string, integrationId: string, deliveryId: string): string {
  return `${prefix}:integration:${integrationId}:webhook:${deliveryId}`;
}

/** Which data types a topic changes; undefined for a topic the sync does not pull. */
export function dataTypesOfTopic(topic: string | null): (typeof SYNC_DATA_TYPES)[number][] | undefined {
  if (!topic) return undefined;
  if (topic.startsWith("orders/")) return ["orders"];
  if (topic.startsWith("inventory_levels/") || topic.startsWith("inventory_items/")) return ["inventory"];
  return undefined;
}

export async function receiveWebhook(input: { integrationId: string; rawBody: string; headers: Headers }, deps: Deps = {}): Promise<WebhookOutcome> {
  const { db = defaultDb(), redis = sharedRedis("producer"), prefix = env().REDIS_PREFIX, debounceMs = WEBHOOK_DEBOUNCE_MS } = deps;
  const row = await db.integration.findUnique({ where: { id: input.integrationId } });
  if (!row) return { ok: false, code: "not-found", message: "No such integration" };
  if (!signatureMatches(input.rawBody, input.headers.get("x-shopify-hmac-sha256"), openWebhookSecret(row))) {
    return { ok: false, code: "bad-signature", message: "The X-Shopify-Hmac-SHA256 signature does not match the body" };
  }
  const deliveryId = input.headers.get("x-shopify-webhook-id")?.trim();
  if (!deliveryId || deliveryId.length > 200) return { ok: false, code: "no-delivery-id", message: "X-Shopify-Webhook-Id is required (at most 200 characters)" };
  const key = webhookDeliveryKey(prefix, row.id, deliveryId);
  if ((await redis.set(key, "1", "PX", WEBHOOK_DEDUPE_TTL_MS, "NX")) === null) return { ok: true, duplicate: true };

  const dataTypes = dataTypesOfTopic(input.headers.get("x-shopify-topic"));
  if (!dataTypes) return { ok: true, duplicate: false, jobId: null, deduplicated: false, note: "topic not synced" };
  if (row.status !== "ACTIVE") return { ok: true, duplicate: false, jobId: null, deduplicated: false, note: `integration is ${row.status}` };
  const owner = await webhookOwner(db, row.createdById);
  if (!owner) return { ok: true, duplicate: false, jobId: null, deduplicated: false, note: "no admin to run the sync as" };
  const result = await enqueueJob({ queue: "sync", name: "webhook-sync", data: syncJobData(row, { dataTypes }), owner, delay: debounceMs }, { db, redis });
  if (!result.ok) {
    // Let the provider's retry of this delivery try again.
    await redis.del(key);
    return { ok: false, code: "unavailable", message: `The sync could not be queued (${result.code}); the provider will retry` };
  }
  return { ok: true, duplicate: false, jobId: result.jobId, deduplicated: result.deduplicated };
}

function signatureMatches(rawBody: string, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
  const given = Buffer.from(header.trim(), "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The syncs of a webhook run as the admin who added the integration, or, when they are gone, as the platform's first admin. */
async function webhookOwner(db: Db, createdById: string | null) {
  const select = { id: true, role: true, organizationId: true } as const;
  const creator = createdById ? await db.user.findUnique({ where: { id: createdById }, select }) : null;
  if (creator?.role === "ADMIN") return creator;
  return db.user.findFirst({ where: { role: "ADMIN" }, orderBy: { createdAt: "asc" }, select });
}
