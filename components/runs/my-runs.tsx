"use client";

import { useInfiniteQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { JobEvent, RunListItem, RunsPage } from "../api/types";
import { applyEvent, useJobEvents, useJobEventsStatus } from "../job-events-provider";
import { QueryError } from "../query-error";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { ExportButtons } from "../exports/export-button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { useUrlFilters } from "../ui/filter-bar";
import { Skeleton } from "../ui/skeleton";
import { readRunFilters, RunFilters, type RunFilterValues } from "./run-filters";
import { RunRow } from "./run-row";

const PAGE_SIZE = 20;
/** ETAs count down; a coarse tick is enough for "~2 min left". */
const CLOCK_TICK_MS = 5_000;
/** Events of jobs not on screen (a run launched in another tab) refetch the list at most this often. */
const UNKNOWN_JOB_REFETCH_MS = 2_000;

function runsUrl(filters: RunFilterValues, cursor: string | null): string {
  const params = new URLSearchParams({ mine: "1", limit: String(PAGE_SIZE) });
  if (filters.queue) params.set("queue", filters.queue);
  if (filters.state) params.set("state", filters.state);
  if (cursor) params.set("cursor", cursor);
  return `/api/v1/jobs?${params}`;
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The signed-in user's runs across every queue, newest first, live. */
export function MyRuns() {
  const [filters, setFilters] = useUrlFilters(readRunFilters);
  const queryClient = useQueryClient();
  const live = useJobEventsStatus() === "open";
  const now = useNow();

  const runs = useInfiniteQuery({
    queryKey: queryKeys.myRuns.list({ queue: filters.queue, state: filters.state }),
    queryFn: ({ pageParam, signal }) => getJson<RunsPage>(runsUrl(filters, pageParam), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Job events keep the list current. A run launched elsewhere (a script, another tab) only sends
    // events once a worker takes it, so a slow poll still picks up new waiting runs.
    refetchInterval: live ? 30_000 : 10_000,
  });

  const unknownJobs = useRef(new Set<string>());
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(refetchTimer.current), []);
  const refetchSoon = () => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = undefined;
      void queryClient.invalidateQueries({ queryKey: queryKeys.myRuns.all });
    }, UNKNOWN_JOB_REFETCH_MS);
  };

  useJobEvents((event: JobEvent) => {
    let found: RunListItem | undefined;
    queryClient.setQueriesData<InfiniteData<RunsPage>>({ queryKey: queryKeys.myRuns.all }, (old) => {
      if (!old?.pages) return old;
      return {
        ...old,
        pages: old.pages.map((page) => ({
          ...page,
          jobs: page.jobs.map((job) => {
            if (job.id !== event.jobId) return job;
            found = job;
            const next = applyEvent(job, event) as RunListItem;
            // The first progress of a waiting job means a worker took it; count its ETA from here
            // until the refetch below brings the ledger's exact start.
            const startedAt = next.state === "active" && job.state !== "active" ? new Date(event.timestamp).toISOString() : next.startedAt;
            return { ...next, startedAt, eta: next.state === "completed" || next.state === "failed" ? null : job.eta };
          }),
        })),
      };
    });
    // Finished jobs, state changes and jobs not on screen yet (filters may now include or drop
    // them) are re-read from the API; plain progress is applied in place.
    if (!found) {
      // Admins receive every user's events: a job still missing after one refetch is not theirs.
      if (unknownJobs.current.has(event.jobId)) return;
      if (unknownJobs.current.size > 1_000) unknownJobs.current.clear();
      unknownJobs.current.add(event.jobId);
      refetchSoon();
    } else if (event.event !== "job:progress" || found.state !== "active") {
      refetchSoon();
    }
  });

  const jobs = runs.data?.pages.flatMap((page) => page.jobs) ?? [];
  const filtered = Boolean(filters.queue || filters.state);

  return (
    <Card aria-labelledby="my-runs-title">
      <div className="flex flex-wrap items-end justify-between gap-4 border-b border-slate-200 px-5 py-4 dark:border-slate-800">
        <div>
          <h2 id="my-runs-title" className="text-base font-semibold text-slate-900 dark:text-white">
            Your runs
          </h2>
          <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">Newest first. Progress and states update live.</p>
        </div>
        <RunFilters value={filters} onChange={setFilters} />
      </div>
      <div className="border-b border-slate-200 px-5 py-3 dark:border-slate-800">
        <ExportButtons entity="runs" filters={{ queue: filters.queue || undefined, state: filters.state || undefined }} label="Export these runs" />
      </div>

      {runs.isPending ? (
        <div className="space-y-3 p-5" aria-busy aria-label="Loading your runs">
          {[0, 1, 2, 3].map((index) => (
            <Skeleton key={index} className="h-14 w-full" />
          ))}
        </div>
      ) : runs.isError && !runs.data ? (
        <div className="p-5">
          <QueryError title="Could not load your runs" query={runs} />
        </div>
      ) : jobs.length === 0 ? (
        <div className="p-5">
          <EmptyState title={filtered ? "No runs match these filters" : "You have no runs yet"}>
            {filtered ? (
              <button type="button" className="font-medium text-indigo-700 hover:underline dark:text-indigo-300" onClick={() => setFilters({ queue: "", state: "" })}>
                Show all runs
              </button>
            ) : (
              "Every job you launch is listed here, whatever its queue."
            )}
          </EmptyState>
        </div>
      ) : (
        <>
          {runs.isError ? (
            <div className="px-5 pt-4">
              <Alert tone="warning" title="Runs are not updating">
                {errorMessage(runs.error)}
              </Alert>
            </div>
          ) : null}
          <div className="hidden grid-cols-[minmax(0,2.2fr)_minmax(0,1.6fr)_minmax(0,1.2fr)_9rem] gap-3 border-b border-slate-200 px-5 py-2 text-xs font-medium text-slate-600 md:grid dark:border-slate-800 dark:text-slate-400" aria-hidden>
            <span>Job</span>
            <span>State</span>
            <span>Estimate</span>
            <span className="text-right">Actions</span>
          </div>
          <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="my-runs" aria-label="Your runs">
            {jobs.map((job) => (
              <RunRow key={job.id} job={job} now={now} />
            ))}
          </ul>
          <div className="flex items-center justify-between gap-3 border-t border-slate-200 px-5 py-3 text-sm text-slate-600 dark:border-slate-800 dark:text-slate-400">
            <span aria-live="polite">
              {jobs.length} run{jobs.length === 1 ? "" : "s"} shown
            </span>
            {runs.hasNextPage ? (
              <Button variant="secondary" size="sm" loading={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
                Load older runs
              </Button>
            ) : (
              <span>That is all of them.</span>
            )}
          </div>
        </>
      )}
    </Card>
  );
}
