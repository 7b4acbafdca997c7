"use client";

import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { getJson, postJson } from "../api/api-client";

/** Shapes of the failed-jobs desk endpoints (dates arrive as ISO strings). */
export interface FailureGroup {
  fingerprint: string;
  queue: string;
  name: string;
  pattern: string;
  sampleReason: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  sampleJobIds: string[];
}

export interface FailureGroupList {
  groups: FailureGroup[];
  totalGroups: number;
  totalJobs: number;
  ungrouped: number;
}

export interface FailedJobRow {
  id: string;
  queue: string;
  name: string;
  owner: { id: string; name: string; email: string } | null;
  failedAt: string;
  reason: string | null;
  attempts: number;
}

export interface GroupJobsPage {
  fingerprint: string;
  group: FailureGroup | null;
  jobs: FailedJobRow[];
  nextCursor: string | null;
}

export type BulkActionKind = "retry" | "remove";
export type BulkTarget = { fingerprint: string } | { jobIds: string[] };

export interface BulkPreview {
  action: BulkActionKind;
  total: number;
  inQueue: number;
  notInQueue: number;
  queues: { queue: string; count: number }[];
}

export interface BulkAction {
  id: string;
  action: BulkActionKind;
  status: "queued" | "running" | "completed" | "failed";
  target: { fingerprint: string } | { jobIds: string[] };
  queue: string | null;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  percent: number;
  error: string | null;
  actor: { id: string; name: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const isRunning = (action: Pick<BulkAction, "status">) => action.status === "queued" || action.status === "running";

export const bulkApi = {
  preview: (action: BulkActionKind, target: BulkTarget) => postJson<BulkPreview>("/api/v1/bulk-actions/preview", { action, target }),
  start: (action: BulkActionKind, target: BulkTarget) => postJson<{ bulkAction: BulkAction }>("/api/v1/bulk-actions", { action, target }),
};

export function groupHref(fingerprint: string): string {
  return `/failed/${encodeURIComponent(fingerprint)}`;
}

/** One bulk action, polled every second while it runs. */
export function useBulkAction(id: string | null) {
  return useQuery({
    queryKey: queryKeys.bulkActions.detail(id ?? ""),
    queryFn: ({ signal }) => getJson<{ bulkAction: BulkAction }>(`/api/v1/bulk-actions/${encodeURIComponent(id!)}`, { signal }).then((body) => body.bulkAction),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && !isRunning(query.state.data) ? false : 1_000),
  });
}

/** Recent bulk actions; polled every second while one of them runs, every 15 s otherwise. */
export function useRecentBulkActions(limit = 5) {
  return useQuery({
    queryKey: queryKeys.bulkActions.list(limit),
    queryFn: ({ signal }) => getJson<{ bulkActions: BulkAction[] }>(`/api/v1/bulk-actions?limit=${limit}`, { signal }).then((body) => body.bulkActions),
    refetchInterval: (query) => (query.state.data?.some(isRunning) ? 1_000 : 15_000),
  });
}
