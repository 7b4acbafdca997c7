import type { SYNC_DATA_TYPES } from "@/lib/jobs/catalog";
import { getJson, patchJson, postJson } from "../api/api-client";
import type { JobPayloadInput, LaunchResponse } from "../api/types";
import { deleteJson } from "../jobs/job-api";

/**
 * The integrations API (app/api/v1/integrations) as the page uses it. Credentials go in and never
 * come back: a response says only whether some are stored (`hasCredentials`).
 */
export type IntegrationKind = "SHOPIFY";
export type IntegrationStatus = "ACTIVE" | "NEEDS_ATTENTION" | "DISABLED";

export interface IntegrationView {
  id: string;
  organizationId: string;
  kind: IntegrationKind;
  name: string;
  baseUrl: string;
  status: IntegrationStatus;
  settings: { syncIntervalMinutes: number | null };
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  nextSyncAt: string | null;
  webhookUrl: string;
  /** Admins only. */
  webhookSecret?: string;
  hasCredentials: boolean;
  createdAt: string;
}

/** What the provider needs to let us in (Shopify: an Admin API access token). */
export interface IntegrationCredentials {
  accessToken: string;
}

export interface IntegrationInput {
  kind: IntegrationKind;
  name: string;
  baseUrl: string;
  credentials: IntegrationCredentials;
  settings: { syncIntervalMinutes: number | null };
  /** An admin may add it to another organisation; the caller's when left out. */
  organizationId?: string;
}

/** An edit sends only what changed; credentials only when the admin typed new ones. */
export type IntegrationChanges = Partial<Omit<IntegrationInput, "kind" | "organizationId"> & { status: "ACTIVE" | "DISABLED" }>;

/** "Check connection": the shop's name when the stored token is accepted, the provider's refusal otherwise. */
export type ConnectionCheck = { ok: true; accountName: string; status: IntegrationStatus } | { ok: false; message: string; status: IntegrationStatus };

export const KIND_LABELS: Record<IntegrationKind, { label: string; baseUrlHint: string; tokenLabel: string }> = {
  SHOPIFY: { label: "Shopify", baseUrlHint: "The shop's address, e.g. https://example.myshopify.com", tokenLabel: "Admin API access token" },
};

export type SyncDataType = (typeof SYNC_DATA_TYPES)[number];

export const DATA_TYPE_LABELS: Record<SyncDataType, string> = { orders: "Orders", inventory: "Inventory levels" };

const path = (id: string) => `/api/v1/integrations/${encodeURIComponent(id)}`;

export const integrationsApi = {
  list: ({ signal }: { signal?: AbortSignal } = {}) => getJson<{ integrations: IntegrationView[] }>("/api/v1/integrations", { signal }),
  create: (input: IntegrationInput) => postJson<IntegrationView>("/api/v1/integrations", input),
  update: (id: string, changes: IntegrationChanges) => patchJson<IntegrationView>(path(id), changes),
  remove: (id: string) => deleteJson<unknown>(path(id)),
  test: (id: string) => postJson<ConnectionCheck>(`${path(id)}/test`),
  sync: (id: string, options: Omit<JobPayloadInput<"sync">, "integrationId"> = {}) => postJson<LaunchResponse>(`${path(id)}/sync`, options),
};
