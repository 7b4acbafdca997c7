import { createECDH, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as alerts from "@/app/api/v1/alerts/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import * as audit from "@/app/api/v1/audit/route";
import * as batchById from "@/app/api/v1/batches/[id]/route";
import * as batchRetry from "@/app/api/v1/batches/[id]/retry/route";
import * as forecastBatch from "@/app/api/v1/forecasts/batch/route";
import * as queueBatches from "@/app/api/v1/queues/[queueKey]/batches/route";
import * as bulkActionById from "@/app/api/v1/bulk-actions/[id]/route";
import * as bulkPreview from "@/app/api/v1/bulk-actions/preview/route";
import * as bulkActions from "@/app/api/v1/bulk-actions/route";
import * as failedGroupJobs from "@/app/api/v1/failed-groups/[fingerprint]/jobs/route";
import * as failedGroups from "@/app/api/v1/failed-groups/route";
import * as forecastById from "@/app/api/v1/forecasts/[id]/route";
import * as forecasts from "@/app/api/v1/forecasts/route";
import * as exportDownload from "@/app/api/v1/exports/[id]/download/route";
import * as exportById from "@/app/api/v1/exports/[id]/route";
import * as exportsRoute from "@/app/api/v1/exports/route";
import * as healthRedis from "@/app/api/v1/health/redis/route";
import * as importErrors from "@/app/api/v1/imports/[jobId]/errors.csv/route";
import * as importById from "@/app/api/v1/imports/[jobId]/route";
import * as importEntitiesRoute from "@/app/api/v1/imports/entities/route";
import * as importMapping from "@/app/api/v1/imports/mapping/route";
import * as importsRoute from "@/app/api/v1/imports/route";
import * as inventoryReorder from "@/app/api/v1/inventory/reorder/route";
import * as integrationById from "@/app/api/v1/integrations/[id]/route";
import * as integrationSync from "@/app/api/v1/integrations/[id]/sync/route";
import * as integrationTest from "@/app/api/v1/integrations/[id]/test/route";
import * as integrationWebhooks from "@/app/api/v1/integrations/[id]/webhooks/route";
import * as integrations from "@/app/api/v1/integrations/route";
import * as notificationPreferences from "@/app/api/v1/me/notification-preferences/route";
import * as testNotification from "@/app/api/v1/me/notifications/test/route";
import * as pushSubscriptions from "@/app/api/v1/me/push-subscriptions/route";
import * as optOut from "@/app/api/v1/notifications/opt-out/route";
import * as vapidPublicKey from "@/app/api/v1/push/vapid-public-key/route";
import * as health from "@/app/api/v1/health/route";
import * as jobsList from "@/app/api/v1/jobs/route";
import * as metrics from "@/app/api/v1/metrics/route";
import * as notificationsRead from "@/app/api/v1/notifications/read/route";
import * as notifications from "@/app/api/v1/notifications/route";
import * as optimizationById from "@/app/api/v1/optimizations/[id]/route";
import * as optimizations from "@/app/api/v1/optimizations/route";
import * as organizations from "@/app/api/v1/organizations/route";
import * as productOverview from "@/app/api/v1/products/[id]/overview/route";
import * as productById from "@/app/api/v1/products/[id]/route";
import * as products from "@/app/api/v1/products/route";
import * as clean from "@/app/api/v1/queues/[queueKey]/clean/route";
import * as queueFailed from "@/app/api/v1/queues/[queueKey]/failed/route";
import * as cancel from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/cancel/route";
import * as details from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/details/route";
import * as duplicate from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/duplicate/route";
import * as promote from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/promote/route";
import * as retry from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/retry/route";
import * as job from "@/app/api/v1/queues/[queueKey]/jobs/[jobId]/route";
import * as queueJobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import * as queueJobsBulk from "@/app/api/v1/queues/[queueKey]/jobs/bulk/route";
import * as pause from "@/app/api/v1/queues/[queueKey]/pause/route";
import * as resume from "@/app/api/v1/queues/[queueKey]/resume/route";
import * as settings from "@/app/api/v1/queues/[queueKey]/settings/route";
import * as stats from "@/app/api/v1/queues/[queueKey]/stats/route";
import * as queues from "@/app/api/v1/queues/route";
import * as reportById from "@/app/api/v1/reports/[id]/route";
import * as reports from "@/app/api/v1/reports/route";
import * as runs from "@/app/api/v1/runs/route";
import * as scheduleById from "@/app/api/v1/schedules/[id]/route";
import * as schedules from "@/app/api/v1/schedules/route";
import * as sse from "@/app/api/v1/sse/route";
import * as workers from "@/app/api/v1/workers/status/route";
import * as uploadsRoute from "@/app/api/v1/uploads/route";
import * as uploadById from "@/app/api/v1/uploads/[id]/route";
import * as uploadPreview from "@/app/api/v1/uploads/[id]/preview/route";
import { receiveUpload } from "@/lib/uploads/receive-upload";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { exportFilePath, saveExportFile } from "@/lib/exports/export-store";
import { importErrorsPath, saveImportReport } from "@/lib/imports/import-store";
import { failureFingerprint } from "@/lib/jobs/failure-fingerprint";
import { createIntegration } from "@/lib/integrations/integrations";
import { optOutToken } from "@/lib/notifications/opt-out";
import { notificationSettingsOf, updateNotificationSettings } from "@/lib/notifications/preferences";
import { savePushSubscription } from "@/lib/push/subscriptions";
import { publishJobEvent, type JobEventPayload } from "@/lib/realtime/events";
import { createSchedule } from "@/lib/schedules/schedules";
import { createRedis, type RedisClient } from "@/lib/redis";
import { FakeShopify, signWebhook } from "@/scripts/fakes/shopify";
import { openStream, type OpenStream } from "../realtime/sse-client";
import { createTestOrganization, createTestProduct, createTestUser, type CallOptions, type TestUser } from "../helpers/fixtures";
import { createTestOptimizationResult } from "../helpers/inventory-fixtures";
import { invoke, SAME_ORIGIN } from "./support";

/**
 * The organisation isolation matrix: every endpoint under app/api/v1, two organisations, a planner
 * in each (by session cookie and by API key) and the platform's admin. A planner never gets the
 * other organisation's data (404 for its ids, absent from lists, refused as an unknown product
 * when launching), the admin sees both and every admin list narrows to one with
 * `?organization=`. A route file without a row here fails the completeness check.
 */

type Org = "A" | "B";
type Via = "cookie" | "api-key";
const ORGS: Org[] = ["A", "B"];
const other = (org: Org): Org => (org === "A" ? "B" : "A");

interface OrgFixture {
  organization: { id: string; slug: string; name: string };
  planner: TestUser;
  product: { id: string; sku: string };
  forecastId: string;
  /** A saved optimisation result of the product, whose warehouse should order now. */
  optimizationId: string;
  /** A saved analytics report. */
  reportId: string;
  /** A waiting export run the planner enqueued through the API. */
  exportJobId: string;
  /** Waiting runs the matrix may cancel, one per way of calling (a cancelled job leaves its queue). */
  cancelJobIds: Record<Via, string>;
  /** The forecast run the planner launched through POST /forecasts. */
  forecastJobId: string;
  /** A batch of the planner's one product, launched through POST /forecasts/batch. */
  batchId: string;
  /** A failure in the group both organisations share, and one in a group of the organisation's own. */
  sharedFailedJobId: string;
  ownFailedJobId: string;
  ownFingerprint: string;
  notificationId: string;
  /** A schedule of the organisation's, and ones the matrix may delete, one per way of calling. */
  scheduleId: string;
  deleteScheduleIds: Record<Via, string>;
  /** A finished export of the planner's, with its file on disk. */
  exportFileId: string;
  /** A finished import of the planner's with its report and error file. */
  importJobId: string;
  /** A CSV the planner uploaded. */
  uploadId: string;
  /** A Shopify integration of the organisation's (pointing at the fake shop) and its webhook secret. */
  integrationId: string;
  webhookSecret: string;
  /** The planner's phone number in their notification settings. */
  phoneNumber: string;
  /** A browser the planner subscribed to web push, and ones the matrix may unsubscribe, one per way of calling. */
  pushEndpoint: string;
  deleteEndpoints: Record<Via, string>;
}

const f = {} as Record<Org, OrgFixture>;
let admin: TestUser;
/** A failure group with one failed job of each organisation. */
let sharedFingerprint: string;
/** Letters only, so failure normalisation keeps it and `q=` finds this file's groups. */
const token = Array.from({ length: 10 }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)]).join("");

/** Everything that identifies an organisation's data: none of it may reach the other's planner. */
function markers(org: Org): string[] {
  const x = f[org];
  return [
    x.organization.id,
    x.organization.slug,
    x.planner.id,
    x.planner.email,
    x.product.id,
    x.product.sku,
    x.forecastId,
    x.optimizationId,
    x.reportId,
    x.exportJobId,
    x.cancelJobIds.cookie,
    x.cancelJobIds["api-key"],
    x.forecastJobId,
    x.batchId,
    x.sharedFailedJobId,
    x.ownFailedJobId,
    x.ownFingerprint,
    x.notificationId,
    x.scheduleId,
    x.deleteScheduleIds.cookie,
    x.deleteScheduleIds["api-key"],
    x.exportFileId,
    x.importJobId,
    x.uploadId,
    x.integrationId,
    x.webhookSecret,
    x.phoneNumber,
    x.pushEndpoint,
    x.deleteEndpoints.cookie,
    x.deleteEndpoints["api-key"],
  ];
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
type Handler = Parameters<typeof invoke>[0];

/**
 * How an endpoint relates to organisations.
 * - list: a planner's list holds their organisation's rows only; the admin's both, and one with `?organization=`.
 * - admin-list: an admin-only list that narrows to one organisation with `?organization=`.
 * - item: names one row by id; another organisation's is 404 to a planner, visible to the admin.
 * - action: acts on one run by id; on another organisation's, a planner gets 404.
 * - launch: starts a run about a product; another organisation's product is refused as unknown (422) to a planner.
 * - own: the caller's own rows (notifications), whatever their role.
 * - self: the caller's own settings and devices (me/*): the request names no one, the answer is the caller's.
 * - signed: public, authorised by a signature over the request (a provider's webhook, an email's opt-out link): one
 *   made for another organisation's row with what the caller holds of their own is refused.
 * - platform: queue-wide figures and operations with no rows of any organisation in them.
 * - stream: the SSE stream, checked event by event below.
 */
type Kind = "list" | "admin-list" | "item" | "action" | "launch" | "own" | "self" | "signed" | "platform" | "stream";

interface Row {
  /** Route file under app/api/v1, e.g. "products/[id]". */
  route: string;
  method: Method;
  handler: Handler;
  access: "public" | "user" | "admin";
  kind: Kind;
  /** The request, naming organisation `org`'s rows where it names any. */
  request: (org: Org, via?: Via) => CallOptions;
  /** For lists: what of `org`'s data the list shows when it may; for self rows, what `org`'s planner's answer shows. */
  marker?: (org: Org) => string;
  /** Statuses of an allowed call. @defaultValue [200] */
  ok?: number[];
  /** Why a platform row has no organisation filter (admins operate every organisation's queues). */
  why?: string;
  /** A list an admin can narrow with `?organization=`. @defaultValue true for lists */
  filterable?: boolean;
  /** Launching: a product that does not exist gets the very answer another organisation's does. */
  unknownIsMissing?: boolean;
  /** For launches: the id of the run a 201 answered with. @defaultValue the body's `jobId` */
  launchedId?: (json: any) => string;
  /** For launches that create something other than a run: its owner and organisation. @defaultValue the run's */
  launched?: (json: any) => Promise<{ ownerId: string | null; organizationId: string | null }>;
  /** For signed rows: the request for `org`'s row, signed with what `signer` holds of its own. */
  forged?: (org: Org, signer: Org) => CallOptions;
  /** For signed rows: the status of a forged request. */
  refused?: number;
  /** For self and signed rows: what an allowed call (its first `ok` status) did, as `org`'s planner. */
  verify?: (json: any, org: Org) => Promise<void>;
  /** `org`'s data as the fixtures left it, after the other organisation's planner called. */
  unchanged?: (org: Org) => Promise<void>;
}

const get = (path: string, params?: Record<string, string>): CallOptions => ({ path, params });
const post = (path: string, params?: Record<string, string>, body?: unknown): CallOptions => ({ method: "POST", path, params, body });
const jobParams = (org: Org, jobId = f[org].exportJobId) => ({ queueKey: "export", jobId });

const rows: Row[] = [
  // ── domain reads: scoped to the organisation ──────────────────────────────────────────────
  {
    route: "products",
    method: "GET",
    handler: products.GET,
    access: "user",
    kind: "list",
    // This file's products share a category, so the admin's list finds both among every test's products.
    request: () => get(`/api/v1/products?limit=100&search=iso-${token}`),
    marker: (org) => f[org].product.id,
  },
  {
    route: "products/[id]",
    method: "GET",
    handler: productById.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/products/${f[org].product.id}?days=7`, { id: f[org].product.id }),
  },
  { route: "forecasts", method: "GET", handler: forecasts.GET, access: "user", kind: "list", request: () => get("/api/v1/forecasts?limit=100"), marker: (org) => f[org].forecastId },
  {
    route: "forecasts/[id]",
    method: "GET",
    handler: forecastById.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/forecasts/${f[org].forecastId}`, { id: f[org].forecastId }),
  },
  {
    route: "products/[id]/overview",
    method: "GET",
    handler: productOverview.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/products/${f[org].product.id}/overview?days=7`, { id: f[org].product.id }),
  },
  { route: "optimizations", method: "GET", handler: optimizations.GET, access: "user", kind: "list", request: () => get("/api/v1/optimizations?limit=100"), marker: (org) => f[org].optimizationId },
  {
    route: "optimizations/[id]",
    method: "GET",
    handler: optimizationById.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/optimizations/${f[org].optimizationId}`, { id: f[org].optimizationId }),
  },
  // Each organisation's product has no stock, so its warehouse is on the list to order now.
  { route: "inventory/reorder", method: "GET", handler: inventoryReorder.GET, access: "user", kind: "list", request: () => get("/api/v1/inventory/reorder"), marker: (org) => f[org].optimizationId },
  {
    route: "forecasts",
    method: "POST",
    handler: forecasts.POST,
    access: "user",
    kind: "launch",
    ok: [201],
    unknownIsMissing: true,
    request: (org) => post("/api/v1/forecasts", undefined, { productId: f[org].product.id, horizon: 7 }),
  },
  { route: "exports", method: "GET", handler: exportsRoute.GET, access: "user", kind: "list", request: () => get("/api/v1/exports?limit=100"), marker: (org) => f[org].exportFileId },
  {
    route: "exports/[id]",
    method: "GET",
    handler: exportById.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/exports/${f[org].exportFileId}`, { id: f[org].exportFileId }),
  },
  {
    route: "exports/[id]/download",
    method: "GET",
    handler: exportDownload.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/exports/${f[org].exportFileId}/download`, { id: f[org].exportFileId }),
  },
  {
    route: "exports",
    method: "POST",
    handler: exportsRoute.POST,
    access: "user",
    kind: "launch",
    ok: [201],
    unknownIsMissing: true,
    request: (org) => post("/api/v1/exports", undefined, { entity: "sales", format: "csv", filters: { productId: f[org].product.id } }),
  },
  { route: "imports", method: "GET", handler: importsRoute.GET, access: "user", kind: "list", request: () => get("/api/v1/imports?limit=100"), marker: (org) => f[org].importJobId },
  { route: "imports/[jobId]", method: "GET", handler: importById.GET, access: "user", kind: "item", request: (org) => get(`/api/v1/imports/${f[org].importJobId}`, { jobId: f[org].importJobId }) },
  {
    route: "imports/[jobId]/errors.csv",
    method: "GET",
    handler: importErrors.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/imports/${f[org].importJobId}/errors.csv`, { jobId: f[org].importJobId }),
  },
  {
    route: "imports/mapping",
    method: "POST",
    handler: importMapping.POST,
    access: "user",
    kind: "item",
    request: (org) => post("/api/v1/imports/mapping", undefined, { uploadId: f[org].uploadId, entityType: "sales" }),
  },
  {
    route: "uploads/[id]",
    method: "GET",
    handler: uploadById.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/uploads/${f[org].uploadId}`, { id: f[org].uploadId }),
  },
  {
    route: "uploads/[id]/preview",
    method: "GET",
    handler: uploadPreview.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/uploads/${f[org].uploadId}/preview`, { id: f[org].uploadId }),
  },
  {
    route: "uploads",
    method: "POST",
    handler: uploadsRoute.POST,
    access: "user",
    kind: "platform",
    ok: [201],
    why: "stores the caller's file in the caller's organisation; the request names no one else's rows",
    request: () => ({ method: "POST", path: "/api/v1/uploads", rawBody: multipartCsv("SKU\r\nISO-UPLOAD\r\n"), headers: { "content-type": `multipart/form-data; boundary=${UPLOAD_BOUNDARY}` } }),
  },
  { route: "reports", method: "GET", handler: reports.GET, access: "user", kind: "list", request: () => get("/api/v1/reports?limit=100"), marker: (org) => f[org].reportId },
  {
    route: "reports/[id]",
    method: "GET",
    handler: reportById.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/reports/${f[org].reportId}`, { id: f[org].reportId }),
  },
  {
    route: "organizations",
    method: "GET",
    handler: organizations.GET,
    access: "user",
    kind: "list",
    filterable: false,
    request: () => get("/api/v1/organizations"),
    marker: (org) => f[org].organization.id,
  },
  // ── runs ───────────────────────────────────────────────────────────────────────────────────
  { route: "jobs", method: "GET", handler: jobsList.GET, access: "user", kind: "list", request: () => get("/api/v1/jobs?limit=100"), marker: (org) => f[org].exportJobId },
  { route: "runs", method: "GET", handler: runs.GET, access: "admin", kind: "admin-list", request: () => get("/api/v1/runs?limit=100"), marker: (org) => f[org].exportJobId },
  {
    route: "queues/[queueKey]/jobs",
    method: "POST",
    handler: queueJobs.POST,
    access: "user",
    kind: "launch",
    ok: [201],
    unknownIsMissing: true,
    request: (org) => post("/api/v1/queues/forecast/jobs", { queueKey: "forecast" }, { name: "isolation", data: { productId: f[org].product.id, horizon: 7 } }),
  },
  {
    route: "queues/[queueKey]/jobs/bulk",
    method: "POST",
    handler: queueJobsBulk.POST,
    access: "user",
    kind: "launch",
    ok: [201],
    unknownIsMissing: true,
    launchedId: (json) => json.jobs[0].jobId,
    request: (org) => post("/api/v1/queues/forecast/jobs/bulk", { queueKey: "forecast" }, { jobs: [{ name: "isolation-bulk", data: { productId: f[org].product.id, horizon: 7 } }] }),
  },
  {
    route: "queues/[queueKey]/jobs/[jobId]",
    method: "GET",
    handler: job.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/queues/export/jobs/${f[org].exportJobId}`, jobParams(org)),
  },
  {
    route: "queues/[queueKey]/jobs/[jobId]/details",
    method: "GET",
    handler: details.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/queues/export/jobs/${f[org].exportJobId}/details`, jobParams(org)),
  },
  {
    // The run is waiting: an allowed caller is told it cannot be retried (409), anyone else that it does not exist.
    route: "queues/[queueKey]/jobs/[jobId]/retry",
    method: "POST",
    handler: retry.POST,
    access: "user",
    kind: "action",
    ok: [409],
    request: (org) => post(`/api/v1/queues/export/jobs/${f[org].exportJobId}/retry`, jobParams(org)),
  },
  {
    route: "queues/[queueKey]/jobs/[jobId]/cancel",
    method: "POST",
    handler: cancel.POST,
    access: "user",
    kind: "action",
    request: (org, via = "cookie") => post(`/api/v1/queues/export/jobs/${f[org].cancelJobIds[via]}/cancel`, jobParams(org, f[org].cancelJobIds[via])),
  },
  // ── batches ────────────────────────────────────────────────────────────────────────────────
  {
    route: "forecasts/batch",
    method: "POST",
    handler: forecastBatch.POST,
    access: "user",
    kind: "launch",
    ok: [201],
    unknownIsMissing: true,
    launchedId: (json) => json.batchId,
    request: (org) => post("/api/v1/forecasts/batch", undefined, { productIds: [f[org].product.id], horizon: 7 }),
  },
  {
    route: "queues/[queueKey]/batches",
    method: "POST",
    handler: queueBatches.POST,
    access: "user",
    kind: "launch",
    ok: [201],
    unknownIsMissing: true,
    launchedId: (json) => json.batchId,
    request: (org) => post("/api/v1/queues/optimization/batches", { queueKey: "optimization" }, { scope: { productIds: [f[org].product.id] }, data: { constraints: { serviceLevel: 0.95 } } }),
  },
  { route: "batches/[id]", method: "GET", handler: batchById.GET, access: "user", kind: "item", request: (org) => get(`/api/v1/batches/${f[org].batchId}`, { id: f[org].batchId }) },
  {
    // The batch's child is waiting: nothing to retry, but an allowed caller is answered (200, 0 retried).
    route: "batches/[id]/retry",
    method: "POST",
    handler: batchRetry.POST,
    access: "user",
    kind: "action",
    request: (org) => post(`/api/v1/batches/${f[org].batchId}/retry`, { id: f[org].batchId }),
  },
  // ── schedules: an organisation's, each tick a run of its creator's ──────────────────────────
  { route: "schedules", method: "GET", handler: schedules.GET, access: "user", kind: "list", request: () => get("/api/v1/schedules"), marker: (org) => f[org].scheduleId },
  {
    route: "schedules",
    method: "POST",
    handler: schedules.POST,
    access: "user",
    kind: "launch",
    ok: [201],
    unknownIsMissing: true,
    request: (org) => post("/api/v1/schedules", undefined, { name: "Nightly", queue: "forecast", data: { productId: f[org].product.id, horizon: 7 }, cron: "0 2 * * *" }),
    launched: async (json) => {
      const row = await db().schedule.findUniqueOrThrow({ where: { id: json.schedule.id } });
      return { ownerId: row.createdById, organizationId: row.organizationId };
    },
  },
  { route: "schedules/[id]", method: "GET", handler: scheduleById.GET, access: "user", kind: "item", request: (org) => get(`/api/v1/schedules/${f[org].scheduleId}`, { id: f[org].scheduleId }) },
  {
    route: "schedules/[id]",
    method: "PATCH",
    handler: scheduleById.PATCH,
    access: "user",
    kind: "action",
    request: (org) => ({ method: "PATCH", path: `/api/v1/schedules/${f[org].scheduleId}`, params: { id: f[org].scheduleId }, body: { name: "Renamed" } }),
  },
  {
    route: "schedules/[id]",
    method: "DELETE",
    handler: scheduleById.DELETE,
    access: "user",
    kind: "action",
    request: (org, via = "cookie") => ({ method: "DELETE", path: `/api/v1/schedules/${f[org].deleteScheduleIds[via]}`, params: { id: f[org].deleteScheduleIds[via] } }),
  },
  // ── integrations: an organisation's connected systems; planners read them, admins manage them ──
  { route: "integrations", method: "GET", handler: integrations.GET, access: "user", kind: "list", request: () => get("/api/v1/integrations"), marker: (org) => f[org].integrationId },
  {
    route: "integrations/[id]",
    method: "GET",
    handler: integrationById.GET,
    access: "user",
    kind: "item",
    request: (org) => get(`/api/v1/integrations/${f[org].integrationId}`, { id: f[org].integrationId }),
  },
  {
    route: "integrations",
    method: "POST",
    handler: integrations.POST,
    access: "admin",
    kind: "platform",
    ok: [201],
    request: (org) => post("/api/v1/integrations", undefined, { kind: "SHOPIFY", name: "Planner's shop", baseUrl: "https://iso.example.invalid", credentials: { accessToken: "shpat_iso" }, organizationId: f[org].organization.id }),
    why: "admin-only; the admin adds an integration to any organisation (tested below)",
    unchanged: async (org) => expect(await db().integration.count({ where: { organizationId: f[org].organization.id } })).toBe(1),
  },
  {
    route: "integrations/[id]",
    method: "PATCH",
    handler: integrationById.PATCH,
    access: "admin",
    kind: "platform",
    request: (org) => ({ method: "PATCH", path: `/api/v1/integrations/${f[org].integrationId}`, params: { id: f[org].integrationId }, body: { name: "Renamed", status: "DISABLED" } }),
    why: "admin-only; the admin edits any organisation's integration (tested below)",
    unchanged: async (org) => expect(await db().integration.findUniqueOrThrow({ where: { id: f[org].integrationId } })).toMatchObject({ name: `iso-${org}-${token}`, status: "ACTIVE" }),
  },
  {
    route: "integrations/[id]",
    method: "DELETE",
    handler: integrationById.DELETE,
    access: "admin",
    kind: "platform",
    request: (org) => ({ method: "DELETE", path: `/api/v1/integrations/${f[org].integrationId}`, params: { id: f[org].integrationId } }),
    why: "admin-only; the admin removes any organisation's integration (tested below)",
    unchanged: async (org) => expect(await db().integration.count({ where: { id: f[org].integrationId } })).toBe(1),
  },
  {
    route: "integrations/[id]/test",
    method: "POST",
    handler: integrationTest.POST,
    access: "admin",
    kind: "platform",
    request: (org) => post(`/api/v1/integrations/${f[org].integrationId}/test`, { id: f[org].integrationId }),
    why: "admin-only; the admin checks any organisation's connection (tested below)",
  },
  {
    route: "integrations/[id]/sync",
    method: "POST",
    handler: integrationSync.POST,
    access: "admin",
    kind: "platform",
    ok: [201],
    request: (org) => post(`/api/v1/integrations/${f[org].integrationId}/sync`, { id: f[org].integrationId }, {}),
    why: "admin-only; the admin's sync works for the integration's organisation (tested below)",
    unchanged: async (org) => expect(await syncRuns(org)).toBe(0),
  },
  {
    // Signed by the provider with the integration's webhook secret; the topic is one the sync does not pull, so nothing is queued.
    route: "integrations/[id]/webhooks",
    method: "POST",
    handler: integrationWebhooks.POST,
    access: "public",
    kind: "signed",
    refused: 401,
    request: (org) => webhook(org, org, "products/update"),
    // A topic that would queue a sync, had the signature been accepted.
    forged: (org, signer) => webhook(org, signer, "orders/create"),
    verify: async (json) => expect(json).toMatchObject({ received: true, duplicate: false, jobId: null, note: "topic not synced" }),
    unchanged: async (org) => expect(await syncRuns(org)).toBe(0),
  },
  // ── admin lists: every organisation, or one ────────────────────────────────────────────────
  {
    route: "failed-groups",
    method: "GET",
    handler: failedGroups.GET,
    access: "admin",
    kind: "admin-list",
    request: () => get(`/api/v1/failed-groups?q=${token}`),
    marker: (org) => f[org].ownFingerprint,
  },
  {
    route: "failed-groups/[fingerprint]/jobs",
    method: "GET",
    handler: failedGroupJobs.GET,
    access: "admin",
    kind: "admin-list",
    request: () => get(`/api/v1/failed-groups/${sharedFingerprint}/jobs`, { fingerprint: sharedFingerprint }),
    marker: (org) => f[org].sharedFailedJobId,
  },
  { route: "audit", method: "GET", handler: audit.GET, access: "admin", kind: "admin-list", request: () => get("/api/v1/audit?limit=200"), marker: (org) => f[org].exportJobId },
  // ── the caller's own ───────────────────────────────────────────────────────────────────────
  { route: "notifications", method: "GET", handler: notifications.GET, access: "user", kind: "own", request: () => get("/api/v1/notifications?limit=100") },
  {
    route: "notifications/read",
    method: "POST",
    handler: notificationsRead.POST,
    access: "user",
    kind: "own",
    request: (org) => post("/api/v1/notifications/read", undefined, { ids: [f[org].notificationId] }),
  },
  {
    route: "me/notification-preferences",
    method: "GET",
    handler: notificationPreferences.GET,
    access: "user",
    kind: "self",
    request: () => get("/api/v1/me/notification-preferences"),
    marker: (org) => f[org].phoneNumber,
  },
  {
    route: "me/notification-preferences",
    method: "PUT",
    handler: notificationPreferences.PUT,
    access: "user",
    kind: "self",
    request: () => ({ method: "PUT", path: "/api/v1/me/notification-preferences", body: { preferences: { "report-ready": { PUSH: true } } } }),
    marker: (org) => f[org].phoneNumber,
    verify: async (json, org) => {
      expect(json.preferences["report-ready"].PUSH).toBe(true);
      expect((await notificationSettingsOf(f[org].planner.id)).preferences["report-ready"].PUSH).toBe(true);
    },
    unchanged: async (org) => expect((await notificationSettingsOf(f[org].planner.id)).phoneNumber).toBe(f[org].phoneNumber),
  },
  {
    // One test a minute per user: the planner's second way of calling is told to wait (409).
    route: "me/notifications/test",
    method: "POST",
    handler: testNotification.POST,
    access: "user",
    kind: "self",
    ok: [201, 409],
    request: () => post("/api/v1/me/notifications/test", undefined, { channels: ["IN_APP"] }),
    verify: async (json, org) => {
      expect(json.jobs).toHaveLength(1);
      const run = await db().jobRun.findUniqueOrThrow({ where: { id: json.jobs[0].jobId } });
      expect(run).toMatchObject({ queue: "notification", ownerId: f[org].planner.id, organizationId: f[org].organization.id, data: expect.objectContaining({ userId: f[org].planner.id }) });
    },
  },
  { route: "me/push-subscriptions", method: "GET", handler: pushSubscriptions.GET, access: "user", kind: "self", request: () => get("/api/v1/me/push-subscriptions"), marker: (org) => f[org].pushEndpoint },
  {
    route: "me/push-subscriptions",
    method: "POST",
    handler: pushSubscriptions.POST,
    access: "user",
    kind: "self",
    ok: [201],
    request: () => post("/api/v1/me/push-subscriptions", undefined, { endpoint: `https://push.example.invalid/iso-new-${randomUUID()}`, expirationTime: null, keys: PUSH_KEYS }),
    verify: async (json, org) => expect(await db().pushSubscription.findUniqueOrThrow({ where: { endpoint: json.device.endpoint } })).toMatchObject({ userId: f[org].planner.id }),
  },
  {
    // By endpoint: another organisation's planner's browser is not the caller's (404) and stays subscribed.
    route: "me/push-subscriptions",
    method: "DELETE",
    handler: pushSubscriptions.DELETE,
    access: "user",
    kind: "action",
    ok: [204],
    request: (org, via = "cookie") => ({ method: "DELETE", path: "/api/v1/me/push-subscriptions", body: { endpoint: f[org].deleteEndpoints[via] } }),
    unchanged: async (org) => expect(await db().pushSubscription.findUniqueOrThrow({ where: { endpoint: f[org].pushEndpoint } })).toMatchObject({ userId: f[org].planner.id }),
  },
  // ── an email's opt-out link: a token signed for one user, event and channel ───────────────────
  {
    route: "notifications/opt-out",
    method: "GET",
    handler: optOut.GET,
    access: "public",
    kind: "signed",
    refused: 404,
    request: (org) => get(`/api/v1/notifications/opt-out?token=${encodeURIComponent(optOutToken(optOutOf(org, "job-failed")))}`),
    forged: (org, signer) => get(`/api/v1/notifications/opt-out?token=${encodeURIComponent(forgedOptOut(org, signer))}`),
  },
  {
    route: "notifications/opt-out",
    method: "POST",
    handler: optOut.POST,
    access: "public",
    kind: "signed",
    refused: 404,
    request: (org) => post(`/api/v1/notifications/opt-out?token=${encodeURIComponent(optOutToken(optOutOf(org, "job-failed")))}`),
    forged: (org, signer) => post(`/api/v1/notifications/opt-out?token=${encodeURIComponent(forgedOptOut(org, signer))}`),
    verify: async (_json, org) => expect((await notificationSettingsOf(f[org].planner.id)).preferences["job-failed"].EMAIL).toBe(false),
    unchanged: async (org) => expect((await notificationSettingsOf(f[org].planner.id)).preferences["import-report"].EMAIL).toBe(true),
  },
  // ── realtime ───────────────────────────────────────────────────────────────────────────────
  { route: "sse", method: "GET", handler: sse.GET, access: "user", kind: "stream", request: () => get("/api/v1/sse") },
  // ── the platform: queue-wide, no organisation's rows ───────────────────────────────────────
  { route: "health", method: "GET", handler: health.GET, access: "public", kind: "platform", ok: [200, 503], request: () => get("/api/v1/health"), why: "liveness" },
  { route: "imports/entities", method: "GET", handler: importEntitiesRoute.GET, access: "user", kind: "platform", request: () => get("/api/v1/imports/entities"), why: "the same entity definitions for every organisation" },
  {
    route: "push/vapid-public-key",
    method: "GET",
    handler: vapidPublicKey.GET,
    access: "public",
    kind: "platform",
    request: () => get("/api/v1/push/vapid-public-key"),
    why: "the server's one VAPID public key, the same for every browser",
  },
  { route: "openapi.json", method: "GET", handler: openapi.GET, access: "public", kind: "platform", request: () => get("/api/v1/openapi.json"), why: "the API's own description, no rows" },
  { route: "health/redis", method: "GET", handler: healthRedis.GET, access: "user", kind: "platform", request: () => get("/api/v1/health/redis"), why: "Redis figures" },
  { route: "queues", method: "GET", handler: queues.GET, access: "user", kind: "platform", request: () => get("/api/v1/queues"), why: "queue counts and rates" },
  {
    route: "queues/[queueKey]/stats",
    method: "GET",
    handler: stats.GET,
    access: "user",
    kind: "platform",
    request: () => get("/api/v1/queues/export/stats", { queueKey: "export" }),
    why: "queue counts",
  },
  { route: "workers/status", method: "GET", handler: workers.GET, access: "user", kind: "platform", request: () => get("/api/v1/workers/status"), why: "worker processes" },
  { route: "metrics", method: "GET", handler: metrics.GET, access: "admin", kind: "platform", request: () => get("/api/v1/metrics"), why: "throughput series" },
  { route: "alerts", method: "GET", handler: alerts.GET, access: "admin", kind: "platform", request: () => get("/api/v1/alerts"), why: "queue alerts" },
  {
    route: "queues/[queueKey]/jobs",
    method: "GET",
    handler: queueJobs.GET,
    access: "admin",
    kind: "platform",
    request: () => get("/api/v1/queues/export/jobs?state=waiting", { queueKey: "export" }),
    why: "a page of a BullMQ state list, as Redis holds it; /runs filters the same jobs by organisation",
  },
  {
    route: "queues/[queueKey]/failed",
    method: "GET",
    handler: queueFailed.GET,
    access: "admin",
    kind: "platform",
    request: () => get("/api/v1/queues/export/failed", { queueKey: "export" }),
    why: "BullMQ's failed set as Redis holds it; /failed-groups filters by organisation",
  },
  {
    route: "queues/[queueKey]/settings",
    method: "GET",
    handler: settings.GET,
    access: "admin",
    kind: "platform",
    request: () => get("/api/v1/queues/export/settings", { queueKey: "export" }),
    why: "queue limits",
  },
  {
    route: "queues/[queueKey]/settings",
    method: "PATCH",
    handler: settings.PATCH,
    access: "admin",
    kind: "platform",
    request: () => ({ method: "PATCH", path: "/api/v1/queues/export/settings", params: { queueKey: "export" }, body: { globalConcurrency: null } }),
    why: "queue limits",
  },
  { route: "queues/[queueKey]/pause", method: "POST", handler: pause.POST, access: "admin", kind: "platform", request: () => post("/api/v1/queues/analytics/pause", { queueKey: "analytics" }), why: "a whole queue" },
  {
    route: "queues/[queueKey]/resume",
    method: "POST",
    handler: resume.POST,
    access: "admin",
    kind: "platform",
    request: () => post("/api/v1/queues/analytics/resume", { queueKey: "analytics" }),
    why: "a whole queue",
  },
  {
    route: "queues/[queueKey]/clean",
    method: "POST",
    handler: clean.POST,
    access: "admin",
    kind: "platform",
    request: () => post("/api/v1/queues/analytics/clean", { queueKey: "analytics" }, { type: "completed" }),
    why: "a whole queue",
  },
  {
    route: "queues/[queueKey]/jobs/[jobId]/duplicate",
    method: "POST",
    handler: duplicate.POST,
    access: "admin",
    kind: "platform",
    request: (org) => post(`/api/v1/queues/export/jobs/${f[org].exportJobId}/duplicate`, jobParams(org), {}),
    why: "admin-only; the copy works for the original's organisation (tested below)",
  },
  {
    route: "queues/[queueKey]/jobs/[jobId]/promote",
    method: "POST",
    handler: promote.POST,
    access: "admin",
    kind: "platform",
    request: (org) => post(`/api/v1/queues/export/jobs/${f[org].exportJobId}/promote`, jobParams(org)),
    why: "admin-only job operation",
  },
  {
    route: "queues/[queueKey]/jobs/[jobId]",
    method: "DELETE",
    handler: job.DELETE,
    access: "admin",
    kind: "platform",
    request: (org) => ({ method: "DELETE", path: `/api/v1/queues/export/jobs/${f[org].exportJobId}`, params: jobParams(org) }),
    why: "admin-only job operation",
  },
  { route: "bulk-actions", method: "GET", handler: bulkActions.GET, access: "admin", kind: "platform", request: () => get("/api/v1/bulk-actions"), why: "admin-only failed-desk operations" },
  {
    route: "bulk-actions",
    method: "POST",
    handler: bulkActions.POST,
    access: "admin",
    kind: "platform",
    request: (org) => post("/api/v1/bulk-actions", undefined, { action: "retry", target: { jobIds: [f[org].ownFailedJobId] } }),
    why: "admin-only failed-desk operations",
  },
  {
    route: "bulk-actions/preview",
    method: "POST",
    handler: bulkPreview.POST,
    access: "admin",
    kind: "platform",
    request: (org) => post("/api/v1/bulk-actions/preview", undefined, { action: "retry", target: { jobIds: [f[org].ownFailedJobId] } }),
    why: "admin-only failed-desk operations",
  },
  {
    route: "bulk-actions/[id]",
    method: "GET",
    handler: bulkActionById.GET,
    access: "admin",
    kind: "platform",
    ok: [404],
    request: () => get("/api/v1/bulk-actions/none", { id: "none" }),
    why: "admin-only failed-desk operations",
  },
];

// ── callers ──────────────────────────────────────────────────────────────────────────────────

interface Caller {
  name: string;
  /** The planner's organisation; undefined for the admin. */
  org?: Org;
  user: () => TestUser;
  via: Via;
}

const planners: Caller[] = ORGS.flatMap((org) => [
  { name: `planner ${org} (cookie)`, org, user: () => f[org].planner, via: "cookie" as const },
  { name: `planner ${org} (API key)`, org, user: () => f[org].planner, via: "api-key" as const },
]);
const admins: Caller[] = [
  { name: "admin (cookie)", user: () => admin, via: "cookie" },
  { name: "admin (API key)", user: () => admin, via: "api-key" },
];

function send(row: Row, caller: Caller, options: CallOptions) {
  const user = caller.user();
  return invoke(row.handler, {
    ...options,
    auth: caller.via === "cookie" ? { cookie: user.cookie } : { apiKey: user.apiKey },
    headers: { ...options.headers, ...(caller.via === "cookie" ? SAME_ORIGIN : {}) },
  });
}

function withQuery(options: CallOptions, query: Record<string, string>): CallOptions {
  const path = options.path ?? "/";
  return { ...options, path: `${path}${path.includes("?") ? "&" : "?"}${new URLSearchParams(query)}` };
}

/** None of `org`'s markers in a response, except those the request named itself (a 404 may echo the id asked for). */
function expectNothingOf(org: Org, response: { text: string }, options: CallOptions) {
  const asked = `${options.path ?? ""} ${JSON.stringify(options.params ?? {})} ${JSON.stringify(options.body ?? {})}`;
  for (const marker of markers(org)) {
    if (asked.includes(marker)) continue;
    expect(response.text.includes(marker), `leaks ${marker} of organisation ${org}: ${response.text.slice(0, 300)}`).toBe(false);
  }
}

// ── fixtures ────────────────────────────────────────────────────────────────────────────────

async function enqueue(user: TestUser, name: string): Promise<string> {
  const created = await invoke(queueJobs.POST, {
    method: "POST",
    params: { queueKey: "export" },
    body: { name, data: { entity: "sales", format: "json" } },
    auth: { apiKey: user.apiKey },
  });
  expect(created.status, created.text).toBe(201);
  return created.json.jobId;
}

async function failedRun(planner: TestUser, name: string, reason: string): Promise<string> {
  const id = randomUUID();
  await db().jobRun.create({
    data: {
      id,
      queue: "import",
      name,
      ownerId: planner.id,
      organizationId: planner.organizationId,
      state: "FAILED",
      data: {},
      failedReason: reason,
      failureFingerprint: failureFingerprint("import", name, reason),
      attempts: 3,
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  return id;
}

const UPLOAD_BOUNDARY = "isolation-boundary";
const multipartCsv = (csv: string) => `--${UPLOAD_BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="iso.csv"\r\n\r\n${csv}\r\n--${UPLOAD_BOUNDARY}--\r\n`;

/** A CSV the planner uploaded through the service the upload route calls. */
async function uploadFile(planner: TestUser, org: Org): Promise<string> {
  const request = new Request("http://localhost:3000/api/v1/uploads", {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${UPLOAD_BOUNDARY}` },
    body: multipartCsv(`SKU,Name\r\nISO-${org},Upload of ${org}\r\n`),
  });
  return (await receiveUpload(request, { id: planner.id, organizationId: planner.organizationId })).uploadId;
}

/** A finished export of the planner's, its file written where the worker would have written it. */
/** A finished import run of the planner's with its report and its error file, written as the import worker does. */
async function importReport(planner: TestUser): Promise<string> {
  const jobId = randomUUID();
  const { organizationId } = planner;
  await db().jobRun.create({ data: { id: jobId, queue: "import", name: "import:sales.csv", ownerId: planner.id, organizationId, state: "COMPLETED", data: { entityType: "sales" }, finishedAt: new Date() } });
  const errorsPath = importErrorsPath(organizationId, jobId);
  mkdirSync(dirname(errorsPath), { recursive: true });
  writeFileSync(errorsPath, "row,sheet,column,field,value,message\r\n2,,SKU,sku,X,is required\r\n");
  const outcome = { total: 1, valid: 0, invalid: 1, imported: 0, created: 0, updated: 0, unchanged: 0, written: false, errors: [] };
  await saveImportReport({ jobId, organizationId, ownerId: planner.id, entityType: "sales", uploadId: null, fileName: "sales.csv", sheet: null, mode: "all-or-nothing", dryRun: false, mapping: {}, outcome, errorCount: 1, errorsPath: `${encodeURIComponent(organizationId)}/import-errors/${jobId}.csv` });
  return jobId;
}

async function exportFile(planner: TestUser, org: Org): Promise<string> {
  const jobId = randomUUID();
  const storedPath = `${encodeURIComponent(planner.organizationId)}/${jobId}.csv`;
  mkdirSync(dirname(exportFilePath(storedPath)), { recursive: true });
  writeFileSync(exportFilePath(storedPath), `SKU\r\nISO-${org}\r\n`);
  const saved = await saveExportFile({
    jobId,
    organizationId: planner.organizationId,
    ownerId: planner.id,
    entity: "products",
    format: "csv",
    filters: {},
    fileName: `products-${org}.csv`,
    storedPath,
    contentType: "text/csv; charset=utf-8",
    rows: 1,
    bytes: 12,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  return saved.id;
}

/** The fake shop every integration of this file points at, and the token it accepts. */
let shop: FakeShopify;
const SHOP_TOKEN = "shpat_isolation-0123456789";

/** Runs of the sync queue for `org`'s integration. */
function syncRuns(org: Org): Promise<number> {
  return db().jobRun.count({ where: { queue: "sync", data: { path: ["integrationId"], equals: f[org].integrationId } } });
}

/** A Shopify webhook for `org`'s integration, signed with `signer`'s integration's secret. */
function webhook(org: Org, signer: Org, topic: string): CallOptions {
  const rawBody = JSON.stringify({ id: 1, topic });
  return {
    method: "POST",
    path: `/api/v1/integrations/${f[org].integrationId}/webhooks`,
    params: { id: f[org].integrationId },
    rawBody,
    headers: { "x-shopify-hmac-sha256": signWebhook(rawBody, f[signer].webhookSecret), "x-shopify-webhook-id": randomUUID(), "x-shopify-topic": topic },
  };
}

const optOutOf = (org: Org, event: "job-failed" | "import-report") => ({ userId: f[org].planner.id, event, channel: "EMAIL" as const });

/** An opt-out token naming `org`'s planner, carrying the signature of `signer`'s planner's token for the same opt-out. */
function forgedOptOut(org: Org, signer: Org): string {
  const [payload] = optOutToken(optOutOf(org, "import-report")).split(".");
  const [, signature] = optOutToken(optOutOf(signer, "import-report")).split(".");
  return `${payload}.${signature}`;
}

/** A browser's push subscription keys: only their lengths are checked. */
const PUSH_KEYS = { p256dh: createECDH("prime256v1").generateKeys().toString("base64url"), auth: Buffer.alloc(16, 7).toString("base64url") };

async function subscribe(planner: TestUser, org: Org): Promise<string> {
  const endpoint = `https://push.example.invalid/iso-${org}-${randomUUID()}`;
  await savePushSubscription(planner.id, { endpoint, expirationTime: null, keys: PUSH_KEYS }, "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0");
  return endpoint;
}

let redis: RedisClient;

beforeAll(async () => {
  redis = createRedis("producer");
  shop = new FakeShopify({ accessToken: SHOP_TOKEN });
  await shop.start();
  const [organizationA, organizationB] = await Promise.all([createTestOrganization("Isolation A"), createTestOrganization("Isolation B")]);
  admin = await createTestUser("ADMIN", { organizationId: organizationA.id });
  const sharedName = `iso-${token}-shared`;
  const sharedReason = `shared failure ${token}`;
  sharedFingerprint = failureFingerprint("import", sharedName, sharedReason);
  for (const [org, organization] of [["A", organizationA], ["B", organizationB]] as const) {
    const planner = await createTestUser("PLANNER", { organizationId: organization.id });
    const created = await createTestProduct(30, org === "A" ? 3 : 5, { organizationId: organization.id });
    const product = await db().product.update({ where: { id: created.id }, data: { category: `iso-${token}` } });
    const forecast = await db().forecast.create({
      data: {
        jobId: `isolation-${randomUUID()}`,
        organizationId: organization.id,
        productId: product.id,
        horizon: 7,
        models: ["ma"],
        historyStart: new Date(Date.UTC(2026, 9, 1)),
        historyEnd: new Date(Date.UTC(2026, 9, 30)),
      },
    });
    const report = await db().analyticsReport.create({
      data: { jobId: `isolation-${randomUUID()}`, organizationId: organization.id, type: "gmroi", startDate: new Date(Date.UTC(2026, 9, 1)), endDate: new Date(Date.UTC(2026, 9, 30)), params: {}, body: {} },
    });
    const exportJobId = await enqueue(planner, `isolation-${org}`);
    const launched = await invoke(forecasts.POST, { method: "POST", body: { productId: product.id, horizon: 7 }, auth: { apiKey: planner.apiKey } });
    expect(launched.status, launched.text).toBe(201);
    const batch = await invoke(forecastBatch.POST, { method: "POST", body: { productIds: [product.id], horizon: 7 }, auth: { apiKey: planner.apiKey } });
    expect(batch.status, batch.text).toBe(201);
    const ownName = `iso-${token}-own-${org.toLowerCase()}`;
    const ownReason = `own failure ${token}`;
    const notification = await db().notification.create({
      data: { userId: planner.id, organizationId: organization.id, kind: "job.completed", title: "Data export completed", body: "isolation", jobId: exportJobId },
    });
    const schedule = async () => {
      const created = await createSchedule(planner.principal, { name: `iso-${org}`, queue: "forecast", jobName: "scheduled", data: { productId: product.id, horizon: 7 }, cron: "0 2 * * *", timezone: "UTC", paused: false });
      if (!created.ok) throw new Error(`could not create the schedule: ${JSON.stringify(created)}`);
      return created.schedule.id;
    };
    const integration = await createIntegration(
      admin.principal,
      { kind: "SHOPIFY", name: `iso-${org}-${token}`, baseUrl: shop.baseUrl, credentials: { accessToken: SHOP_TOKEN }, settings: {}, organizationId: organization.id },
      "http://localhost:3000",
    );
    if (!integration.ok) throw new Error(`could not create the integration: ${JSON.stringify(integration)}`);
    const phone = await updateNotificationSettings(planner.id, { phoneNumber: `+49151${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}` });
    if (!phone.ok) throw new Error(`could not set the phone number: ${JSON.stringify(phone)}`);
    f[org] = {
      organization,
      planner,
      product,
      forecastId: forecast.id,
      optimizationId: (await createTestOptimizationResult(product)).id,
      reportId: report.id,
      exportJobId,
      cancelJobIds: { cookie: await enqueue(planner, `isolation-cancel-${org}`), "api-key": await enqueue(planner, `isolation-cancel-${org}`) },
      forecastJobId: launched.json.jobId,
      batchId: batch.json.batchId,
      sharedFailedJobId: await failedRun(planner, sharedName, sharedReason),
      ownFailedJobId: await failedRun(planner, ownName, ownReason),
      ownFingerprint: failureFingerprint("import", ownName, ownReason),
      notificationId: notification.id,
      scheduleId: await schedule(),
      deleteScheduleIds: { cookie: await schedule(), "api-key": await schedule() },
      exportFileId: await exportFile(planner, org),
      importJobId: await importReport(planner),
      uploadId: await uploadFile(planner, org),
      integrationId: integration.integration.id,
      webhookSecret: integration.integration.webhookSecret!,
      phoneNumber: phone.settings.phoneNumber!,
      pushEndpoint: await subscribe(planner, org),
      deleteEndpoints: { cookie: await subscribe(planner, org), "api-key": await subscribe(planner, org) },
    };
    // An admin action about the organisation's run: the log files it under the run's organisation.
    await recordAudit({ actorId: admin.id, action: "job.retry", target: `export/${exportJobId}`, jobCount: 1 });
  }
});

afterAll(async () => {
  redis.disconnect();
  await shop?.stop();
});

// ── completeness ────────────────────────────────────────────────────────────────────────────

const launchedJobId = (json: any): string => json.jobId;

/** What a launch created: its run, or what the row says it created instead. */
function launchedRow(row: Row, json: any): Promise<{ ownerId: string | null; organizationId: string | null }> {
  return row.launched ? row.launched(json) : db().jobRun.findUniqueOrThrow({ where: { id: (row.launchedId ?? launchedJobId)(json) } });
}

const API_ROOT = fileURLToPath(new URL("../../app/api/v1", import.meta.url));
const METHODS: Method[] = ["GET", "POST", "PATCH", "PUT", "DELETE"];

describe("the matrix", () => {
  it("has a row for every method of every route file under app/api/v1, wired to that file's handler", async () => {
    const files = (readdirSync(API_ROOT, { recursive: true }) as string[]).filter((file) => file.endsWith("route.ts")).sort();
    expect(files.length).toBeGreaterThan(30);
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      const route = file.replace(/[\\/]?route\.ts$/, "").replaceAll("\\", "/");
      const module = (await import(join(API_ROOT, file))) as Record<string, unknown>;
      for (const method of METHODS) {
        if (typeof module[method] !== "function") continue;
        const key = `${method} ${route}`;
        seen.add(key);
        const row = rows.find((candidate) => candidate.route === route && candidate.method === method);
        if (!row) missing.push(key);
        else expect(row.handler, `${key} is wired to another handler`).toBe(module[method]);
      }
    }
    expect(missing, "endpoints without a row in the organisation isolation matrix").toEqual([]);
    expect(rows.map((row) => `${row.method} ${row.route}`).filter((key) => !seen.has(key)), "rows for endpoints that do not exist").toEqual([]);
  });
});

// ── planners ────────────────────────────────────────────────────────────────────────────────

describe.each(rows.filter((row) => row.kind !== "stream"))("$method $route ($kind)", (row) => {
  const ok = row.ok ?? [200];

  it.each(planners)("$name gets nothing of the other organisation", async (caller) => {
    const mine = caller.org!;
    const theirs = other(mine);
    const responses: { status: number; text: string; json: any; options: CallOptions }[] = [];
    const call = async (options: CallOptions) => {
      const response = await send(row, caller, options);
      responses.push({ ...response, options });
      return response;
    };

    if (row.access === "admin") {
      const response = await call(row.request(theirs));
      expect(response.status, response.text).toBe(403);
    } else if (row.kind === "list") {
      const response = await call(row.request(mine));
      expect(response.status, response.text).toBe(200);
      expect(response.text).toContain(row.marker!(mine));
      // Naming the other organisation neither widens nor moves a planner's list.
      const filtered = await call(withQuery(row.request(mine), { organization: f[theirs].organization.slug }));
      expect(filtered.status, filtered.text).toBe(200);
      expect(filtered.text).toContain(row.marker!(mine));
    } else if (row.kind === "item" || row.kind === "action") {
      const own = await call(row.request(mine, caller.via));
      expect(ok, own.text).toContain(own.status);
      const foreign = await call(row.request(theirs, caller.via));
      expect(foreign.status, foreign.text).toBe(404);
    } else if (row.kind === "launch") {
      const own = await call(row.request(mine));
      expect(own.status, own.text).toBe(201);
      expect(await launchedRow(row, own.json)).toMatchObject({ organizationId: f[mine].organization.id });
      const foreign = await call(row.request(theirs));
      expect(foreign.status, foreign.text).toBe(422);
      expect(foreign.json.error.message).toContain(`no product with id "${f[theirs].product.id}"`);
      if (row.unknownIsMissing) {
        // Another organisation's product is as unknown as one that does not exist.
        const missingOptions = JSON.parse(JSON.stringify(row.request(theirs)).replaceAll(f[theirs].product.id, "no-such-product"));
        const missing = await send(row, caller, missingOptions);
        expect(missing.status).toBe(422);
        expect(foreign.json.error.message.replace(f[theirs].product.id, "<id>")).toBe(missing.json.error.message.replace("no-such-product", "<id>"));
        // Details may quote the id the caller sent, as the message does; nothing else differs.
        expect(JSON.stringify(foreign.json.error.details).replaceAll(f[theirs].product.id, "<id>")).toBe(JSON.stringify(missing.json.error.details).replaceAll("no-such-product", "<id>"));
      }
    } else if (row.kind === "own") {
      const response = await call(row.request(theirs));
      expect(response.status, response.text).toBe(200);
      if (row.method === "POST") {
        expect(response.json.updated).toBe(0);
        expect(await db().notification.findUniqueOrThrow({ where: { id: f[theirs].notificationId } })).toMatchObject({ readAt: null });
      } else {
        expect(response.text).toContain(f[mine].notificationId);
      }
    } else if (row.kind === "self") {
      const response = await call(row.request(mine, caller.via));
      expect(ok, response.text).toContain(response.status);
      if (row.marker) expect(response.text).toContain(row.marker(mine));
      if (row.verify && response.status === ok[0]) await row.verify(response.json, mine);
    } else if (row.kind === "signed") {
      const own = await call(row.request(mine, caller.via));
      expect(ok, own.text).toContain(own.status);
      if (row.verify) await row.verify(own.json, mine);
      // The other organisation's row, signed with what the caller holds of their own.
      const forged = await call(row.forged!(theirs, mine));
      expect(forged.status, forged.text).toBe(row.refused);
    } else {
      const response = await call(row.request(mine));
      expect(ok, response.text).toContain(response.status);
    }
    if (row.unchanged) await row.unchanged(theirs);
    for (const response of responses) expectNothingOf(theirs, response, response.options);
  });
});

// ── the admin ───────────────────────────────────────────────────────────────────────────────

const adminLists = rows.filter((row) => row.kind === "list" || row.kind === "admin-list");
const filterable = adminLists.filter((row) => row.filterable !== false);

describe.each(adminLists)("$method $route: the admin", (row) => {
  it.each(admins)("$name sees both organisations", async (caller) => {
    const all = await send(row, caller, row.request("A"));
    expect(all.status, all.text).toBe(200);
    expect(all.text).toContain(row.marker!("A"));
    expect(all.text).toContain(row.marker!("B"));
  });
});

describe.each(filterable)("$method $route: ?organization=", (row) => {
  it.each(admins)("$name sees one organisation's, named by slug or by id", async (caller) => {
    // By slug and by id.
    for (const [org, value] of [
      ["B", f.B.organization.slug],
      ["A", f.A.organization.id],
    ] as const) {
      const one = await send(row, caller, withQuery(row.request(org), { organization: value }));
      expect(one.status, one.text).toBe(200);
      expect(one.text).toContain(row.marker!(org));
      expect(one.text).not.toContain(row.marker!(other(org)));
    }
  });
});

describe.each(filterable)("$method $route: ?organization= naming nothing", (row) => {
  it("is refused with the field named", async () => {
    const response = await send(row, admins[1]!, withQuery(row.request("A"), { organization: "no-such-organisation" }));
    expect(response.status, response.text).toBe(422);
    expect(response.json.error.details).toEqual([{ path: "query.organization", message: 'no organisation with id or slug "no-such-organisation"' }]);
  });
});

describe("the admin and one organisation's rows", () => {
  it("reads any organisation's product, forecast and runs by id", async () => {
    for (const org of ORGS) {
      for (const row of rows.filter((candidate) => candidate.kind === "item")) {
        const response = await send(row, admins[0]!, row.request(org));
        expect(response.status, `${row.method} ${row.route}: ${response.text}`).toBe(200);
      }
    }
  });

  it("launches a forecast for another organisation's product; the run works for that organisation", async () => {
    for (const row of rows.filter((candidate) => candidate.kind === "launch")) {
      const response = await send(row, admins[1]!, row.request("B"));
      expect(response.status, response.text).toBe(201);
      const run = await launchedRow(row, response.json);
      expect(run).toMatchObject({ ownerId: admin.id, organizationId: f.B.organization.id });
    }
  });

  it("duplicates a run into the original's organisation, not the admin's", async () => {
    const response = await invoke(duplicate.POST, {
      method: "POST",
      params: { queueKey: "export", jobId: f.B.exportJobId },
      body: {},
      auth: { apiKey: admin.apiKey },
    });
    expect(response.status, response.text).toBe(201);
    expect(await db().jobRun.findUniqueOrThrow({ where: { id: response.json.jobId } })).toMatchObject({ ownerId: admin.id, organizationId: f.B.organization.id });
  });

  it("counts only the named organisation's failures in a shared group", async () => {
    const count = async (organization?: string) => {
      const response = await invoke(failedGroups.GET, {
        path: `/api/v1/failed-groups?q=${token}${organization ? `&organization=${organization}` : ""}`,
        auth: { apiKey: admin.apiKey },
      });
      return response.json.groups.find((group: { fingerprint: string }) => group.fingerprint === sharedFingerprint)?.count;
    };
    expect(await count()).toBe(2);
    expect(await count(f.A.organization.slug)).toBe(1);
    const group = await invoke(failedGroupJobs.GET, {
      path: `/api/v1/failed-groups/${sharedFingerprint}/jobs?organization=${f.B.organization.id}`,
      params: { fingerprint: sharedFingerprint },
      auth: { apiKey: admin.apiKey },
    });
    expect(group.json.group).toMatchObject({ count: 1, sampleJobIds: [f.B.sharedFailedJobId] });
  });

  it("files audit entries about a run under the run's organisation", async () => {
    const entries = await db().auditLog.findMany({ where: { target: { in: ORGS.map((org) => `export/${f[org].exportJobId}`) } } });
    expect(Object.fromEntries(entries.map((entry) => [entry.target, entry.organizationId]))).toEqual({
      [`export/${f.A.exportJobId}`]: f.A.organization.id,
      [`export/${f.B.exportJobId}`]: f.B.organization.id,
    });
  });

  it("lists every organisation with its users and products; a planner only their own", async () => {
    const all = await invoke(organizations.GET, { auth: { apiKey: admin.apiKey } });
    expect(all.json.organizations).toEqual(
      expect.arrayContaining(ORGS.map((org) => ({ ...f[org].organization, createdAt: expect.any(String), users: org === "A" ? 2 : 1, products: 1 }))),
    );
    const own = await invoke(organizations.GET, { auth: { apiKey: f.B.planner.apiKey } });
    expect(own.json.organizations).toEqual([{ ...f.B.organization, createdAt: expect.any(String), users: 1, products: 1 }]);
  });
});

describe("the admin and another organisation's integration", () => {
  const asAdmin = (handler: Handler, options: CallOptions) => invoke(handler, { ...options, auth: { apiKey: admin.apiKey } });

  it("adds one to another organisation, edits, checks, syncs and removes it there; only that organisation's planner sees it", async () => {
    const created = await asAdmin(integrations.POST, post("/api/v1/integrations", undefined, { kind: "SHOPIFY", name: `iso-admin-${token}`, baseUrl: shop.baseUrl, credentials: { accessToken: SHOP_TOKEN }, organizationId: f.B.organization.id }));
    expect(created.status, created.text).toBe(201);
    const id: string = created.json.integration.id;
    expect(created.json.integration).toMatchObject({ organizationId: f.B.organization.id, hasCredentials: true });
    expect(created.text).not.toContain(SHOP_TOKEN);
    const path = `/api/v1/integrations/${id}`;

    const seenByB = await invoke(integrationById.GET, { path, params: { id }, auth: { apiKey: f.B.planner.apiKey } });
    expect(seenByB.status, seenByB.text).toBe(200);
    expect(seenByB.json.integration.webhookSecret).toBeUndefined();
    expect((await invoke(integrationById.GET, { path, params: { id }, auth: { apiKey: f.A.planner.apiKey } })).status).toBe(404);
    expect((await invoke(integrations.GET, { path: "/api/v1/integrations", auth: { apiKey: f.A.planner.apiKey } })).text).not.toContain(id);

    const edited = await asAdmin(integrationById.PATCH, { method: "PATCH", path, params: { id }, body: { name: "Renamed by the admin" } });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json.integration).toMatchObject({ name: "Renamed by the admin", organizationId: f.B.organization.id });

    const checked = await asAdmin(integrationTest.POST, post(`${path}/test`, { id }));
    expect(checked.status, checked.text).toBe(200);
    expect(checked.json).toMatchObject({ ok: true, status: "ACTIVE" });

    const synced = await asAdmin(integrationSync.POST, post(`${path}/sync`, { id }, {}));
    expect(synced.status, synced.text).toBe(201);
    expect(await db().jobRun.findUniqueOrThrow({ where: { id: synced.json.jobId } })).toMatchObject({ queue: "sync", ownerId: admin.id, organizationId: f.B.organization.id });

    const removed = await asAdmin(integrationById.DELETE, { method: "DELETE", path, params: { id } });
    expect(removed.status, removed.text).toBe(200);
    expect(await db().integration.count({ where: { id } })).toBe(0);
    // The matrix's integration of B's is still there.
    expect(await db().integration.count({ where: { id: f.B.integrationId } })).toBe(1);
  });
});

// ── realtime ────────────────────────────────────────────────────────────────────────────────

describe("GET /sse", () => {
  const open: OpenStream[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((stream) => stream.close()));
  });

  async function connect(options: Parameters<typeof openStream>[0]) {
    const stream = await openStream(options);
    open.push(stream);
    expect(stream.status).toBe(200);
    await stream.until((current) => current.connected);
    return stream;
  }

  function publish(org: Org): Promise<string> {
    const payload: JobEventPayload & { organizationId: string } = {
      jobId: f[org].exportJobId,
      type: "export",
      name: `isolation-${org}`,
      ownerId: f[org].planner.id,
      organizationId: f[org].organization.id,
      progress: 30,
      message: "Writing the file",
      timestamp: Date.now(),
    };
    return publishJobEvent(redis, process.env.REDIS_PREFIX!, "job:progress", payload);
  }

  const jobIds = (stream: OpenStream) => stream.events.map((event) => event.data.jobId as string);

  it("gives each planner their own jobs' events, by cookie and by API key; the admin all, or one organisation's", async () => {
    const plannerA = await connect({ apiKey: f.A.planner.apiKey });
    const plannerB = await connect({ cookie: f.B.planner.cookie });
    // A planner asking for everything, or for the other organisation, still gets their own.
    const greedyA = await connect({ cookie: f.A.planner.cookie, query: `?all=1&organization=${f.B.organization.id}` });
    const adminAll = await connect({ apiKey: admin.apiKey, query: "?all=1" });
    const adminB = await connect({ cookie: admin.cookie, query: `?all=1&organization=${f.B.organization.slug}` });

    await publish("A");
    await publish("B");
    // The last event published reaches every stream that may see it; by then the others have had their chance too.
    await adminAll.until((stream) => jobIds(stream).includes(f.B.exportJobId) && jobIds(stream).includes(f.A.exportJobId));
    await plannerB.until((stream) => jobIds(stream).includes(f.B.exportJobId));
    await adminB.until((stream) => jobIds(stream).includes(f.B.exportJobId));
    await plannerA.until((stream) => jobIds(stream).includes(f.A.exportJobId));
    await greedyA.until((stream) => jobIds(stream).includes(f.A.exportJobId));
    // Then a second event of A's, so that anything of B's would have arrived before it.
    await publish("A");
    await plannerA.until((stream) => jobIds(stream).length === 2);
    await greedyA.until((stream) => jobIds(stream).length === 2);

    expect(jobIds(plannerA)).toEqual([f.A.exportJobId, f.A.exportJobId]);
    expect(jobIds(greedyA)).toEqual([f.A.exportJobId, f.A.exportJobId]);
    expect(jobIds(plannerB)).toEqual([f.B.exportJobId]);
    expect(jobIds(adminB)).toEqual([f.B.exportJobId]);
    for (const stream of [plannerA, greedyA]) expect(JSON.stringify(stream.frames)).not.toContain(f.B.organization.id);
  });

  it("refuses an admin's stream for an organisation that does not exist", async () => {
    const stream = await openStream({ apiKey: admin.apiKey, query: "?all=1&organization=no-such-organisation" });
    open.push(stream);
    expect(stream.status).toBe(422);
  });
});
