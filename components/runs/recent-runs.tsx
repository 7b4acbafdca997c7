"use client";

import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { getJson } from "../api/api-client";
import type { JobStatus } from "../api/types";
import { formatRelative } from "../format";
import { useJobEventsStatus } from "../job-events-provider";
import { JobStateBadge } from "../job-state-badge";
import { QueryError } from "../query-error";
import { cx } from "../ui/cx";
import { EmptyState } from "../ui/empty-state";
import { Skeleton } from "../ui/skeleton";
import { queueView, readPayload, type ViewedQueue } from "./queue-views";

export const RECENT_RUNS = 10;

/** The user's last runs of one queue, from the ledger; picking one shows its progress or its result. */
export function RecentRuns<K extends ViewedQueue>({ queue, selectedJobId, onSelect }: { queue: K; selectedJobId: string | null; onSelect(job: JobStatus): void }) {
  const view = queueView(queue);
  const live = useJobEventsStatus() === "open";
  const runs = useQuery({
    queryKey: queryKeys.jobs.recent(queue, true),
    queryFn: ({ signal }) => getJson<{ jobs: JobStatus[] }>(`/api/v1/jobs?queue=${queue}&mine=1&limit=${RECENT_RUNS}`, { signal }),
    // SSE events refresh the list; poll only while the stream is down.
    refetchInterval: live ? false : 5_000,
  });

  if (runs.isPending) {
    return (
      <div className="space-y-2 p-4" aria-busy aria-label="Loading recent runs">
        {[0, 1, 2].map((index) => (
          <Skeleton key={index} className="h-12 w-full" />
        ))}
      </div>
    );
  }
  if (runs.isError && !runs.data) {
    return (
      <div className="p-4">
        <QueryError title="Could not load recent runs" query={runs} />
      </div>
    );
  }
  const jobs = runs.data.jobs;
  if (jobs.length === 0) {
    return (
      <div className="p-4">
        <EmptyState title={`No ${view.noun.many} yet`}>Your runs will be listed here.</EmptyState>
      </div>
    );
  }
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="recent-runs">
      {jobs.map((job) => {
        const selected = job.id === selectedJobId;
        const payload = readPayload(queue, job.data);
        const fact = payload ? view.facts(payload)[0] : undefined;
        return (
          <li key={job.id}>
            <button
              type="button"
              onClick={() => onSelect(job)}
              aria-current={selected ? "true" : undefined}
              className={cx(
                "flex w-full items-center justify-between gap-3 px-5 py-3 text-left transition-colors focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600",
                selected ? "bg-indigo-50 dark:bg-indigo-950/50" : "hover:bg-slate-50 dark:hover:bg-slate-800/50",
              )}
            >
              <span className="min-w-0">
                <span className="block truncate font-mono text-sm font-medium text-slate-900 dark:text-slate-100">{view.subject(job)}</span>
                <span className="block text-xs text-slate-600 dark:text-slate-400">
                  {[fact, formatRelative(job.createdAt), job.state === "active" ? `${Math.round(job.progress)}%` : undefined].filter(Boolean).join(" · ")}
                </span>
              </span>
              <JobStateBadge state={job.state} retrying={job.state === "delayed" && Boolean(job.failedReason)} />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
