import type { z } from "zod";
import type { ConnectionTest, createIntegrationSchema, IntegrationView, updateIntegrationSchema } from "@/lib/integrations/integrations";
import type { SYNC_DATA_TYPES } from "@/lib/jobs/catalog";
import { getJson, patchJson, postJson } from "../api/api-client";
import type { JobPayloadInput, LaunchResponse } from "../api/types";
import { deleteJson } from "../jobs/job-api";

/**
 * The integrations API (app/api/v1/integrations) as the page uses it, typed by the server's own
 * view and schemas. Credentials go in and never come back: a response says only whether some are
 * stored (`hasCredentials`).
 */
export type { IntegrationView, ConnectionTest };
export type IntegrationKind = IntegrationView["kind"];
export type IntegrationStatus = IntegrationView["status"];
export type IntegrationInput = z.input<typeof createIntegrationSchema>;
/** An edit sends only what changed; credentials only when the admin typed new ones. */
export type IntegrationChanges = z.input<typeof updateIntegrationSchema>;

export const KIND_LABELS: Record<IntegrationKind, { label: string; baseUrlHint: string; tokenLabel: string }> = {
  SHOPIFY: { label: "Shopify", baseUrlHint: "The shop's address, e.g. https://example.myshopify.com", tokenLabel: "Admin API access token" },
};

export type SyncDataType = (typeof SYNC_DATA_TYPES)[number];

export const DATA_TYPE_LABELS: Record<SyncDataType, string> = { orders: "Orders", inventory: "Inventory levels" };

/** What started a sync, from the job name lib/integrations gives it. */
const SYNC_TRIGGERS: Record<string, string> = { sync: "Sync now", "full-sync": "Full re-pull", "scheduled-sync": "Scheduled", "webhook-sync": "Webhook" };

export function syncTrigger(jobName: string): string {
  return SYNC_TRIGGERS[jobName] ?? jobName;
}

const path = (id: string) => `/api/v1/integrations/${encodeURIComponent(id)}`;

export const integrationsApi = {
  list: ({ signal }: { signal?: AbortSignal } = {}) => getJson<{ integrations: IntegrationView[] }>("/api/v1/integrations", { signal }),
  create: (input: IntegrationInput) => postJson<{ integration: IntegrationView }>("/api/v1/integrations", input),
  update: (id: string, changes: IntegrationChanges) => patchJson<{ integration: IntegrationView }>(path(id), changes),
  remove: (id: string) => deleteJson<{ deleted: true }>(path(id)),
  test: (id: string) => postJson<ConnectionTest>(`${path(id)}/test`),
  sync: (id: string, options: Omit<JobPayloadInput<"sync">, "integrationId"> = {}) => postJson<LaunchResponse>(`${path(id)}/sync`, options),
};
