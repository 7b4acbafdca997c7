"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { QUEUE_KEYS } from "@/lib/jobs/queue-keys";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError, errorMessage, getJson } from "../api/api-client";
import { formatDateTime, formatInteger, formatRelative } from "../format";
import { useJobEvents } from "../job-events-provider";
import { jobHref } from "../jobs/job-api";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Select, TextInput } from "../ui/field";
import { FilterBar, FilterField, useUrlFilters } from "../ui/filter-bar";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { groupHref, type FailureGroupList } from "./failed-api";
import { RecentBulkActions } from "./recent-bulk-actions";

type Sort = "last" | "count";

/** Queue, text and sort live in the URL, so a filtered desk can be linked to and survives a reload. */
function readDeskParams(params: URLSearchParams): { queue: string; q: string; sort: Sort } {
  const queue = (QUEUE_KEYS as readonly string[]).includes(params.get("queue") ?? "") ? params.get("queue")! : "";
  return { queue, q: (params.get("q") ?? "").slice(0, 200), sort: params.get("sort") === "count" ? "count" : "last" };
}

/** The failed-jobs desk: failures grouped by fingerprint, with filters and the bulk actions panel. */
export function FailureDesk() {
  const queryClient = useQueryClient();
  const [filters, applyFilters] = useUrlFilters(readDeskParams);
  const [text, setText] = useState(filters.q);
  // The q this page last wrote to the URL: a different one came from elsewhere (back button, a link).
  const pushedQ = useRef(filters.q);
  useEffect(() => {
    if (filters.q === pushedQ.current) return;
    pushedQ.current = filters.q;
    setText(filters.q);
  }, [filters.q]);
  const ids = { queue: useId(), q: useId(), sort: useId() };

  const setFilters = (next: Partial<typeof filters>) => {
    const merged = { ...filters, ...next };
    pushedQ.current = merged.q;
    applyFilters(merged);
  };

  // Typing filters after a short pause, not on every key. (setFilters is rebuilt each render; the
  // applied q is the dependency that matters.)
  useEffect(() => {
    if (text.trim() === filters.q) return;
    const timer = setTimeout(() => setFilters({ q: text.trim() }), 300);
    return () => clearTimeout(timer);
  }, [text, filters.q]);

  const groups = useQuery({
    queryKey: queryKeys.failed.groups(filters),
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ sort: filters.sort });
      if (filters.queue) params.set("queue", filters.queue);
      if (filters.q) params.set("q", filters.q);
      return getJson<FailureGroupList>(`/api/v1/failed-groups?${params}`, { signal });
    },
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });

  // A job that fails for good lands on the desk: re-read (events of all users reach admins), at
  // most every 2 s, so a burst of thousands of failures costs a handful of reads.
  const lastRefresh = useRef(0);
  useJobEvents((event) => {
    if (event.event !== "job:failed" || Date.now() - lastRefresh.current < 2_000) return;
    lastRefresh.current = Date.now();
    void queryClient.invalidateQueries({ queryKey: queryKeys.failed.all }, { cancelRefetch: false });
  });

  const data = groups.data;
  const filtered = Boolean(filters.queue || filters.q);

  return (
    <div className="space-y-6">
      <RecentBulkActions />

      <Card aria-labelledby="failure-groups-title">
        <div className="border-b border-slate-200 px-5 py-4 dark:border-slate-800">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div>
              <h2 id="failure-groups-title" className="text-base font-semibold text-slate-900 dark:text-white">
                Failure groups
              </h2>
              <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400" aria-live="polite" data-testid="desk-summary">
                {data
                  ? `${formatInteger(data.totalJobs)} failed ${data.totalJobs === 1 ? "job" : "jobs"} in ${formatInteger(data.totalGroups)} ${data.totalGroups === 1 ? "group" : "groups"}${filtered ? " matching the filter" : ""}`
                  : "Loading…"}
                {" · "}failures are kept 7 days (imports 30), as long as Redis holds them
              </p>
            </div>
          </div>
          <FilterBar label="Filter failure groups" className="mt-4" columns="sm:grid-cols-[12rem_1fr_11rem]" onSubmit={() => setFilters({ q: text.trim() })}>
            <FilterField id={ids.queue} label="Queue">
              <Select id={ids.queue} value={filters.queue} onChange={(event) => setFilters({ queue: event.target.value })}>
                <option value="">All queues</option>
                {QUEUE_KEYS.map((key) => (
                  <option key={key} value={key}>
                    {key}
                  </option>
                ))}
              </Select>
            </FilterField>
            <FilterField id={ids.q} label="Search">
              <TextInput id={ids.q} type="search" placeholder="Job name, error text…" value={text} maxLength={200} onChange={(event) => setText(event.target.value)} />
            </FilterField>
            <FilterField id={ids.sort} label="Sort by">
              <Select id={ids.sort} value={filters.sort} onChange={(event) => setFilters({ sort: event.target.value as Sort })}>
                <option value="last">Last seen</option>
                <option value="count">Most jobs</option>
              </Select>
            </FilterField>
          </FilterBar>
        </div>

        {groups.isError ? (
          <div className="p-5">
            <Alert
              tone={groups.error instanceof ApiRequestError && groups.error.isUnavailable ? "warning" : "error"}
              title="Could not load the failure groups"
              actions={
                <Button variant="secondary" size="sm" onClick={() => void groups.refetch()}>
                  Retry now
                </Button>
              }
            >
              {errorMessage(groups.error)}
            </Alert>
          </div>
        ) : null}

        {data && data.ungrouped > 0 ? (
          <div className="px-5 pt-4">
            <Alert tone="info">{formatInteger(data.ungrouped)} older failures are still being grouped; they appear here within a minute.</Alert>
          </div>
        ) : null}

        {groups.isPending ? (
          <div className="space-y-3 p-5" aria-hidden>
            {Array.from({ length: 4 }, (_, index) => (
              <Skeleton key={index} className="h-14 w-full" />
            ))}
          </div>
        ) : data && data.groups.length === 0 ? (
          <div className="p-5">
            <EmptyState title={filtered ? "No failure groups match this filter" : "No failed jobs"}>
              {filtered ? "Try another queue or search text." : "Every job within retention has completed or been retried."}
            </EmptyState>
          </div>
        ) : data ? (
          <Table className="min-w-[46rem]" data-testid="failure-groups" caption="Failed jobs grouped by queue, job name and normalised error">
            <THead>
              <Th>Failure</Th>
              <Th align="right">Jobs</Th>
              <Th>First seen</Th>
              <Th>Last seen</Th>
              <Th>Samples</Th>
            </THead>
            <TBody>
              {data.groups.map((group) => (
                <Tr key={group.fingerprint} data-testid="failure-group" data-fingerprint={group.fingerprint}>
                  <Td className="max-w-[28rem]">
                    <div className="flex flex-wrap items-center gap-1.5">
                      <Badge tone="accent">{group.queue}</Badge>
                      <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{group.name}</span>
                    </div>
                    <Link
                      href={groupHref(group.fingerprint)}
                      className="mt-1 block font-medium break-words text-slate-900 hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-slate-100 dark:hover:text-indigo-300"
                    >
                      {group.pattern || "(no reason recorded)"}
                    </Link>
                    {group.sampleReason && group.sampleReason !== group.pattern ? (
                      <p className="mt-0.5 truncate text-xs text-slate-500 dark:text-slate-400" title={group.sampleReason}>
                        e.g. {group.sampleReason}
                      </p>
                    ) : null}
                  </Td>
                  <Td numeric className="font-semibold text-red-700 dark:text-red-400" data-testid="group-count">
                    {formatInteger(group.count)}
                  </Td>
                  <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">
                    <time dateTime={group.firstSeen} title={formatDateTime(group.firstSeen)}>
                      {formatRelative(group.firstSeen)}
                    </time>
                  </Td>
                  <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">
                    <time dateTime={group.lastSeen} title={formatDateTime(group.lastSeen)}>
                      {formatRelative(group.lastSeen)}
                    </time>
                  </Td>
                  <Td>
                    <ul className="space-y-0.5" aria-label="Sample jobs of this group">
                      {group.sampleJobIds.map((id) => (
                        <li key={id}>
                          <Link
                            href={jobHref(group.queue, id)}
                            className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300"
                            aria-label={`Job ${id}`}
                          >
                            {id.slice(0, 8)}…
                          </Link>
                        </li>
                      ))}
                    </ul>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
      </Card>
    </div>
  );
}
