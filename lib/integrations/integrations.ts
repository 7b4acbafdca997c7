import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "../audit";
import type { Principal } from "../auth/principal";
import { maintenanceQueue } from "../bulk-actions/maintenance-queue";
import { db as defaultDb, type Db } from "../db";
import { env } from "../env";
import type { Integration } from "../generated/prisma/client";
import { organizationIdSchema, SYNC_DATA_TYPES } from "../jobs/catalog";
import { enqueueJob, type EnqueueResult } from "../jobs/enqueue-job";
import { ownScope } from "../organizations/scope";
import { sharedRedis, type RedisClient } from "../redis";
import { createSchedule, deleteSchedule, updateSchedule } from "../schedules/schedules";
import { schedulerNextTicks, type SchedulerQueue } from "../schedules/schedulers";
import { ProviderAuthError, type Connector } from "./connector";
import { SHOPIFY_BUCKET, shopifyConnector } from "./connectors/shopify";
import { bucketKey, redisRateLimiter } from "./rate-limiter";
import { openSecret, sealSecret } from "./secrets";
import { integrationSettingsSchema, readSettings, type IntegrationSettings } from "./settings";

/**
 * Integrations as the API manages them. Credentials are write-only: sealed on the way in
 * (lib/integrations/secrets.ts), opened only to build a connector, never part of a view, an audit
 * entry or a log line. The periodic sync is a schedule (lib/schedules) on the sync queue, made,
 * changed, paused and removed with the integration's interval and status.
 */
export const INTEGRATION_KINDS = ["SHOPIFY"] as const;
export type IntegrationKindName = (typeof INTEGRATION_KINDS)[number];

const shopifyCredentials = z
  .object({ accessToken: z.string({ error: "must be a string" }).trim().min(1, "accessToken is required").max(1_000, "must be at most 1000 characters") })
  .strict()
  .describe("Shopify: the Admin API access token of the shop's custom app (shpat_…)");

const fields = {
  name: z.string({ error: "must be a string" }).trim().min(1, "name is required").max(100, "must be at most 100 characters"),
  baseUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. https://example.myshopify.com" })
    .max(500, "must be at most 500 characters")
    .describe("The shop's address, e.g. https://example.myshopify.com"),
  settings: integrationSettingsSchema.partial(),
};

export const createIntegrationSchema = z
  .object({
    kind: z.enum(INTEGRATION_KINDS, { error: `kind must be one of ${INTEGRATION_KINDS.join(", ")}` }),
    name: fields.name,
    baseUrl: fields.baseUrl,
    credentials: shopifyCredentials,
    settings: fields.settings.default({}),
    organizationId: organizationIdSchema.describe("An admin may add it to another organisation; the caller's when left out").optional(),
  })
  .strict();

export const updateIntegrationSchema = z
  .object({
    name: fields.name.optional(),
    baseUrl: fields.baseUrl.optional(),
    credentials: shopifyCredentials.optional().describe("New credentials; an integration that needed attention is active again"),
    settings: fields.settings.optional().describe("Only the settings given change"),
    status: z.enum(["ACTIVE", "DISABLED"], { error: "status must be ACTIVE or DISABLED" }).optional().describe("DISABLED stops scheduled and webhook syncs; ACTIVE resumes them"),
    rotateWebhookSecret: z.literal(true).optional().describe("Makes a new webhook secret (enter it at the provider)"),
  })
  .strict();

export type CreateIntegrationInput = z.infer<typeof createIntegrationSchema>;
export type UpdateIntegrationInput = z.infer<typeof updateIntegrationSchema>;

export interface IntegrationView {
  id: string;
  organizationId: string;
  kind: IntegrationKindName;
  name: string;
  baseUrl: string;
  status: "ACTIVE" | "NEEDS_ATTENTION" | "DISABLED";
  settings: IntegrationSettings;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  nextSyncAt: string | null;
  webhookUrl: string;
  /** Only in an admin's view. */
  webhookSecret?: string;
  hasCredentials: boolean;
  createdAt: string;
}

export type IntegrationFailure = { ok: false; code: "not-found" } | { ok: false; code: "invalid"; path: string; message: string };

interface Deps {
  db?: Db;
  schedules?: SchedulerQueue;
  redis?: RedisClient;
}

/** Where the provider is told to send webhooks: the app's public URL when known. */
export function webhookUrl(id: string, origin: string): string {
  return `${(env().NEXTAUTH_URL ?? origin).replace(/\/+$/, "")}/api/v1/integrations/${encodeURIComponent(id)}/webhooks`;
}

export async function listIntegrations(principal: Principal, options: { organizationId?: string; origin: string }, { db = defaultDb(), schedules = maintenanceQueue() }: Deps = {}): Promise<IntegrationView[]> {
  const scope = ownScope(principal) ?? options.organizationId;
  const [rows, ticks] = await Promise.all([
    db.integration.findMany({ where: scope ? { organizationId: scope } : {}, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 500 }),
    schedulerNextTicks(schedules),
  ]);
  return rows.map((row) => toView(row, principal, options.origin, ticks));
}

export async function getIntegration(principal: Principal, id: string, origin: string, { db = defaultDb(), schedules = maintenanceQueue() }: Deps = {}): Promise<{ ok: true; integration: IntegrationView } | IntegrationFailure> {
  const row = await visible(principal, id, db);
  if (!row) return { ok: false, code: "not-found" };
  return { ok: true, integration: toView(row, principal, origin, await schedulerNextTicks(schedules)) };
}

export async function createIntegration(principal: Principal, input: CreateIntegrationInput, origin: string, deps: Deps = {}): Promise<{ ok: true; integration: IntegrationView } | IntegrationFailure> {
  const { db = defaultDb(), schedules = maintenanceQueue() } = deps;
  const organizationId = input.organizationId ?? principal.organizationId;
  if (organizationId !== principal.organizationId && !(await db.organization.findUnique({ where: { id: organizationId }, select: { id: true } }))) {
    return { ok: false, code: "invalid", path: "body.organizationId", message: "no such organisation" };
  }
  const settings = integrationSettingsSchema.parse(input.settings);
  let row = await db.integration.create({
    data: {
      organizationId,
      kind: input.kind,
      name: input.name,
      baseUrl: input.baseUrl,
      credentials: sealSecret(JSON.stringify(input.credentials)),
      webhookSecret: sealSecret(newWebhookSecret()),
      settings,
      createdById: principal.id,
    },
  });
  row = await syncSchedule(principal, row, deps);
  await audit(principal, "integration.create", row, { name: row.name, kind: row.kind, baseUrl: row.baseUrl }, db);
  return { ok: true, integration: toView(row, principal, origin, await schedulerNextTicks(schedules)) };
}

export async function updateIntegration(principal: Principal, id: string, input: UpdateIntegrationInput, origin: string, deps: Deps = {}): Promise<{ ok: true; integration: IntegrationView } | IntegrationFailure> {
  const { db = defaultDb(), schedules = maintenanceQueue() } = deps;
  const row = await visible(principal, id, db);
  if (!row) return { ok: false, code: "not-found" };
  const settings = input.settings ? integrationSettingsSchema.parse({ ...readSettings(row.settings), ...input.settings }) : undefined;
  // New credentials are what a NEEDS_ATTENTION integration waits for; an explicit status wins.
  const status = input.status ?? (input.credentials && row.status === "NEEDS_ATTENTION" ? "ACTIVE" : undefined);
  let updated = await db.integration.update({
    where: { id },
    data: {
      name: input.name,
      baseUrl: input.baseUrl,
      credentials: input.credentials ? sealSecret(JSON.stringify(input.credentials)) : undefined,
      webhookSecret: input.rotateWebhookSecret ? sealSecret(newWebhookSecret()) : undefined,
      settings,
      status,
      lastError: status === "ACTIVE" && row.status === "NEEDS_ATTENTION" ? null : undefined,
    },
  });
  updated = await syncSchedule(principal, updated, deps);
  // Which fields changed, never their values: credentials and secrets stay out of the audit log.
  await audit(principal, "integration.update", updated, { name: updated.name, changed: Object.keys(input), status: updated.status }, db);
  return { ok: true, integration: toView(updated, principal, origin, await schedulerNextTicks(schedules)) };
}

/** Removes the integration, its schedule, cursors and synced-line records; the sales it added stay (they happened). */
export async function deleteIntegration(principal: Principal, id: string, deps: Deps = {}): Promise<{ ok: true } | IntegrationFailure> {
  const { db = defaultDb(), schedules = maintenanceQueue() } = deps;
  const row = await visible(principal, id, db);
  if (!row) return { ok: false, code: "not-found" };
  if (row.scheduleId) await deleteSchedule(principal, row.scheduleId, { db, queue: schedules });
  await db.integration.delete({ where: { id } });
  await audit(principal, "integration.delete", row, { name: row.name, kind: row.kind }, db);
  return { ok: true };
}

export type ConnectionTest = { ok: true; accountName: string; status: IntegrationView["status"] } | { ok: false; message: string; status: IntegrationView["status"] };

/**
 * "Check connection": one request to the provider with the stored credentials. A refusal marks
 * the integration as needing attention; a success clears that.
 */
export async function testIntegration(principal: Principal, id: string, deps: Deps = {}): Promise<{ ok: true; test: ConnectionTest } | IntegrationFailure> {
  const { db = defaultDb() } = deps;
  const row = await visible(principal, id, db);
  if (!row) return { ok: false, code: "not-found" };
  const connector = openConnector(row, deps);
  try {
    const check = await connector.checkConnection({ signal: AbortSignal.timeout(30_000) });
    const status = row.status === "NEEDS_ATTENTION" ? "ACTIVE" : row.status;
    if (status !== row.status) await db.integration.update({ where: { id }, data: { status, lastError: null } });
    return { ok: true, test: { ok: true, accountName: check.accountName, status } };
  } catch (error) {
    if (error instanceof ProviderAuthError) {
      await markNeedsAttention(id, error.message, { db });
      return { ok: true, test: { ok: false, message: error.message, status: "NEEDS_ATTENTION" } };
    }
    return { ok: true, test: { ok: false, message: (error as Error).message, status: row.status } };
  }
}

/** "Sync now": a sync job of the integration, as its admin caller. */
export async function startSync(principal: Principal, id: string, input: { dataTypes?: (typeof SYNC_DATA_TYPES)[number][]; force?: boolean }, { db = defaultDb() }: Deps = {}): Promise<EnqueueResult | IntegrationFailure> {
  const row = await visible(principal, id, db);
  if (!row) return { ok: false, code: "not-found" };
  return enqueueJob({ queue: "sync", name: input.force ? "full-sync" : "sync", data: syncJobData(row, input), owner: principal }, { db });
}

/** A sync job's data; the organisation named so an admin's run works for the integration's, not the admin's. */
export function syncJobData(row: Pick<Integration, "id" | "organizationId">, input: { dataTypes?: readonly string[]; force?: boolean } = {}) {
  return { integrationId: row.id, dataTypes: input.dataTypes ?? [...SYNC_DATA_TYPES], force: input.force ?? false, organizationId: row.organizationId };
}

/** The provider's connector with the integration's credentials, under its shared Redis bucket. */
export function openConnector(row: Integration, { redis = sharedRedis("producer") }: Pick<Deps, "redis"> = {}, options: { pageSize?: number } = {}): Connector {
  if (!row.credentials) throw new ProviderAuthError("The integration has no credentials; enter them to sync");
  const limiter = redisRateLimiter(redis, bucketKey(env().REDIS_PREFIX, row.id), SHOPIFY_BUCKET);
  const credentials = JSON.parse(openSecret(row.credentials)) as z.infer<typeof shopifyCredentials>;
  return shopifyConnector({ baseUrl: row.baseUrl, accessToken: credentials.accessToken, pageSize: options.pageSize }, { limiter });
}

export function openWebhookSecret(row: Pick<Integration, "webhookSecret">): string {
  return openSecret(row.webhookSecret);
}

export async function markNeedsAttention(id: string, message: string, { db = defaultDb() }: Pick<Deps, "db"> = {}): Promise<void> {
  await db.integration.updateMany({ where: { id }, data: { status: "NEEDS_ATTENTION", lastError: message } });
}

/**
 * The schedule follows the interval and the status: one while an interval is set and the
 * integration is active, paused while it is not active, none without an interval.
 */
async function syncSchedule(principal: Principal, row: Integration, { db = defaultDb(), schedules = maintenanceQueue() }: Deps): Promise<Integration> {
  const minutes = readSettings(row.settings).syncIntervalMinutes;
  const scheduleDeps = { db, queue: schedules };
  if (minutes === null) {
    if (!row.scheduleId) return row;
    await deleteSchedule(principal, row.scheduleId, scheduleDeps);
    return db.integration.update({ where: { id: row.id }, data: { scheduleId: null } });
  }
  const timing = { everyMs: minutes * 60_000, paused: row.status !== "ACTIVE", name: `Sync ${row.name}`.slice(0, 100) };
  if (row.scheduleId) {
    const updated = await updateSchedule(principal, row.scheduleId, timing, scheduleDeps);
    if (updated.ok) return row;
    // The schedule was deleted by hand: make a new one.
  }
  const created = await createSchedule(principal, { ...timing, queue: "sync", jobName: "scheduled-sync", data: syncJobData(row), timezone: "UTC" }, scheduleDeps);
  if (!created.ok) throw new Error(`could not schedule the integration's sync (${created.code === "invalid" ? created.details[0]?.message : created.code})`);
  return db.integration.update({ where: { id: row.id }, data: { scheduleId: created.schedule.id } });
}

async function visible(principal: Principal, id: string, db: Db): Promise<Integration | null> {
  const row = await db.integration.findUnique({ where: { id } });
  const scope = ownScope(principal);
  return row && (!scope || row.organizationId === scope) ? row : null;
}

function toView(row: Integration, principal: Principal, origin: string, ticks: Map<string, number | undefined>): IntegrationView {
  const next = row.scheduleId && row.status === "ACTIVE" ? ticks.get(row.scheduleId) : undefined;
  return {
    id: row.id,
    organizationId: row.organizationId,
    kind: row.kind,
    name: row.name,
    baseUrl: row.baseUrl,
    status: row.status,
    settings: readSettings(row.settings),
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
    lastError: row.lastError,
    nextSyncAt: next === undefined ? null : new Date(next).toISOString(),
    webhookUrl: webhookUrl(row.id, origin),
    ...(principal.role === "ADMIN" ? { webhookSecret: openWebhookSecret(row) } : {}),
    hasCredentials: row.credentials !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

function newWebhookSecret(): string {
  return randomBytes(32).toString("base64url");
}

function audit(principal: Principal, action: string, row: Integration, details: Record<string, unknown>, db: Db) {
  return recordAudit({ actorId: principal.id, action, target: `integration/${row.id}`, organizationId: row.organizationId, details }, { db });
}
