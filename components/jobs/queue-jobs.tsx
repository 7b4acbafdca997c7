"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { queryKeys } from "@/lib/query-keys";
import { getJson } from "../api/api-client";
import type { QueueJobRow, QueueJobsPage, QueueJobState } from "../api/types";
import { formatDateTime, formatInteger, formatRelative } from "../format";
import { useJobEvents } from "../job-events-provider";
import { JobStateBadge } from "../job-state-badge";
import { QueryError } from "../query-error";
import { Card } from "../ui/card";
import { cx } from "../ui/cx";
import { EmptyState } from "../ui/empty-state";
import { PagerLink } from "../ui/pager-link";
import { ProgressBar } from "../ui/progress-bar";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { jobHref } from "./job-api";

export const QUEUE_TABS: readonly { state: QueueJobState; label: string }[] = [
  { state: "waiting", label: "Waiting" },
  { state: "active", label: "Active" },
  { state: "delayed", label: "Delayed" },
  { state: "completed", label: "Completed" },
  { state: "failed", label: "Failed" },
];

const PAGE_SIZES = [10, 25, 50, 100] as const;

/** Reads state, page and page size from the URL, so every view of the list can be linked to. */
export function readListParams(params: URLSearchParams): { state: QueueJobState; page: number; pageSize: number } {
  const state = QUEUE_TABS.find((tab) => tab.state === params.get("state"))?.state ?? "waiting";
  const page = Math.max(1, Math.floor(Number(params.get("page")) || 1));
  const size = Number(params.get("pageSize"));
  const pageSize = (PAGE_SIZES as readonly number[]).includes(size) ? size : 25;
  return { state, page, pageSize };
}

function listHref(pathname: string, state: QueueJobState, page: number, pageSize: number): string {
  const params = new URLSearchParams({ state });
  if (page > 1) params.set("page", String(page));
  if (pageSize !== 25) params.set("pageSize", String(pageSize));
  return `${pathname}?${params}`;
}

/** A queue's jobs by state: tabs with counts, the page of jobs, and a pager; all of it in the URL. */
export function QueueJobs({ queueKey }: { queueKey: string }) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { state, page, pageSize } = readListParams(new URLSearchParams(searchParams.toString()));

  const list = useQuery({
    queryKey: queryKeys.jobs.queueList(queueKey, state, page, pageSize),
    queryFn: ({ signal }) =>
      getJson<QueueJobsPage>(`/api/v1/queues/${encodeURIComponent(queueKey)}/jobs?state=${state}&page=${page}&pageSize=${pageSize}`, { signal }),
    placeholderData: keepPreviousData,
    // Jobs being added send no event; a slow poll keeps counts honest, events make it live.
    refetchInterval: 5_000,
  });

  useJobEvents((event) => {
    if (event.type !== queueKey) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.queueListAll(queueKey) }, { cancelRefetch: false });
  });

  const data = list.data;
  const counts = data?.counts;
  const pageCount = data?.pageCount ?? 1;

  return (
    <Card aria-labelledby="queue-jobs-title">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-5 pt-4 dark:border-slate-800">
        <h2 id="queue-jobs-title" className="sr-only">
          Jobs
        </h2>
        <nav aria-label="Job states" className="-mb-px flex flex-wrap gap-1" data-testid="state-tabs">
          {QUEUE_TABS.map((tab) => {
            const current = tab.state === state;
            return (
              <Link
                key={tab.state}
                href={listHref(pathname, tab.state, 1, pageSize)}
                aria-current={current ? "page" : undefined}
                scroll={false}
                className={cx(
                  "flex items-center gap-2 border-b-2 px-3 py-2.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600",
                  current
                    ? "border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
                    : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white",
                )}
              >
                {tab.label}
                <span
                  data-testid={`tab-count-${tab.state}`}
                  className={cx(
                    "rounded-full px-2 py-0.5 text-xs tabular-nums",
                    tab.state === "failed" && (counts?.failed ?? 0) > 0
                      ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300"
                      : "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
                  )}
                >
                  {counts ? formatInteger(counts[tab.state]) : "…"}
                </span>
              </Link>
            );
          })}
        </nav>
        <div className="mb-2 flex items-center gap-2 text-sm">
          <label htmlFor="page-size" className="text-slate-600 dark:text-slate-400">
            Per page
          </label>
          <select
            id="page-size"
            value={pageSize}
            onChange={(event) => router.push(listHref(pathname, state, 1, Number(event.target.value)), { scroll: false })}
            className="rounded-md border-0 bg-white py-1.5 pr-8 pl-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 dark:bg-slate-950 dark:text-slate-100 dark:ring-slate-700"
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </div>
      </div>

      {list.isError ? (
        <div className="p-4">
          <QueryError title={data ? "The job list is not updating" : "Could not load the jobs"} query={list} />
        </div>
      ) : null}

      {!data && list.isPending ? (
        <div className="space-y-2 p-5" aria-busy aria-label="Loading jobs">
          {[0, 1, 2, 3].map((index) => (
            <Skeleton key={index} className="h-10 w-full" />
          ))}
        </div>
      ) : data && data.jobs.length === 0 ? (
        <div className="p-5">
          <EmptyState title={page > 1 && data.total > 0 ? "No jobs on this page" : `No ${state} jobs`}>
            {page > 1 && data.total > 0 ? <Link className="font-medium text-indigo-700 hover:underline dark:text-indigo-400" href={listHref(pathname, state, 1, pageSize)}>Go to the first page</Link> : "Jobs in this state will be listed here."}
          </EmptyState>
        </div>
      ) : data ? (
        <JobTable rows={data.jobs} state={state} queueKey={queueKey} />
      ) : null}

      {data && data.total > 0 ? (
        <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 px-5 py-3 text-sm dark:border-slate-800">
          <p className="text-slate-600 dark:text-slate-400" aria-live="polite">
            {data.jobs.length > 0
              ? `${formatInteger((page - 1) * pageSize + 1)}–${formatInteger((page - 1) * pageSize + data.jobs.length)} of ${formatInteger(data.total)}`
              : `${formatInteger(data.total)} jobs`}{" "}
            · page {formatInteger(page)} of {formatInteger(pageCount)}
          </p>
          <div className="flex gap-2">
            <PagerLink href={listHref(pathname, state, 1, pageSize)} disabled={page <= 1} scroll={false}>
              First
            </PagerLink>
            <PagerLink href={listHref(pathname, state, page - 1, pageSize)} disabled={page <= 1} scroll={false}>
              Previous
            </PagerLink>
            <PagerLink href={listHref(pathname, state, page + 1, pageSize)} disabled={page >= pageCount} scroll={false}>
              Next
            </PagerLink>
            <PagerLink href={listHref(pathname, state, pageCount, pageSize)} disabled={page >= pageCount} scroll={false}>
              Last
            </PagerLink>
          </div>
        </nav>
      ) : null}
    </Card>
  );
}

function JobTable({ rows, state, queueKey }: { rows: QueueJobRow[]; state: QueueJobState; queueKey: string }) {
  const timeLabel = state === "completed" || state === "failed" ? "Finished" : state === "delayed" ? "Runs" : state === "active" ? "Started" : "Added";
  return (
    <Table data-testid="queue-job-table" caption={`${QUEUE_TABS.find((tab) => tab.state === state)?.label ?? state} jobs`}>
      <THead>
        <Th>Job</Th>
        <Th>State</Th>
        <Th>Owner</Th>
        <Th align="right">Attempts</Th>
        <Th align="right" className="hidden lg:table-cell">
          Priority
        </Th>
        <Th>{timeLabel}</Th>
        {state === "failed" ? <Th>Reason</Th> : null}
      </THead>
      <TBody>
        {rows.map((row) => {
          const time = state === "completed" || state === "failed" ? row.finishedAt : state === "delayed" ? row.runAt : state === "active" ? row.processedAt : row.createdAt;
          return (
            <Tr key={row.id}>
              <Td>
                <Link
                  href={jobHref(queueKey, row.id)}
                  className="font-mono text-xs font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-400"
                >
                  {row.id.length > 13 ? `${row.id.slice(0, 8)}…` : row.id}
                  <span className="sr-only"> (open job {row.id})</span>
                </Link>
                <div className="text-slate-900 dark:text-slate-100">{row.name}</div>
              </Td>
              <Td>
                {row.cancelled ? <JobStateBadge state="cancelled" /> : <JobStateBadge state={row.state} retrying={row.state === "delayed" && row.attemptsMade > 0} />}
                {row.state === "active" ? (
                  <div className="mt-1.5 w-28">
                    <ProgressBar value={row.progress} label={`Progress of job ${row.id}`} />
                    <p className="mt-0.5 truncate text-xs text-slate-600 dark:text-slate-400">{row.progressMessage ?? `${Math.round(row.progress)} %`}</p>
                  </div>
                ) : null}
              </Td>
              <Td className="max-w-48 truncate" title={row.owner?.email}>
                {row.owner?.name ?? <span className="text-slate-500">—</span>}
              </Td>
              <Td numeric>
                {row.attemptsMade}/{row.attempts}
              </Td>
              <Td numeric className="hidden lg:table-cell">
                {row.priority || "—"}
              </Td>
              <Td className="whitespace-nowrap">
                {time ? (
                  <time dateTime={time} title={new Date(time).toISOString()}>
                    {state === "delayed" ? formatDateTime(time) : formatRelative(time)}
                  </time>
                ) : (
                  "—"
                )}
              </Td>
              {state === "failed" ? (
                <Td className="max-w-80 text-red-800 dark:text-red-300">
                  <span className="line-clamp-2 break-words">{row.failedReason ?? "—"}</span>
                </Td>
              ) : null}
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
