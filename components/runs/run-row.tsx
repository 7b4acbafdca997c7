"use client";

import Link from "next/link";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { queueDefinition } from "@/lib/jobs/catalog";
import { resultLink } from "@/lib/jobs/result-link";
import { errorMessage, postJson } from "../api/api-client";
import type { RunListItem } from "../api/types";
import { formatDateTime, formatRelative } from "../format";
import { JobStateBadge } from "../job-state-badge";
import { Button } from "../ui/button";
import { ProgressBar } from "../ui/progress-bar";
import { etaText } from "./eta";
import { jobHref } from "./job-links";

/** What the run is about, in a planner's words (its subject as the API named it: a product's SKU, an export's kind), else the job name. */
function subject(job: RunListItem): string {
  return job.subject?.label ?? job.name;
}

export function RunRow({ job, now }: { job: RunListItem; now: number }) {
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => postJson<{ jobId: string; state: string }>(`/api/v1/queues/${job.queue}/jobs/${encodeURIComponent(job.id)}/retry`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.myRuns.all }),
  });
  const label = queueDefinition(job.queue).label;
  const result = job.state === "completed" ? resultLink(job.queue, job.id, job.result) : null;
  const eta = etaText(job, now);
  const running = job.state === "active";
  const retrying = job.state === "delayed" && Boolean(job.failedReason);

  return (
    <li className="grid grid-cols-1 gap-3 px-5 py-4 md:grid-cols-[minmax(0,2.2fr)_minmax(0,1.6fr)_minmax(0,1.2fr)_9rem] md:items-center" data-testid="run-row" data-job-id={job.id}>
      <div className="min-w-0">
        <p className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">{label}</p>
        <Link
          href={jobHref(job.queue, job.id)}
          className="block truncate rounded font-mono text-sm font-medium text-slate-900 hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-slate-100 dark:hover:text-indigo-300"
        >
          {subject(job)}
        </Link>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          <time dateTime={job.createdAt} title={formatDateTime(job.createdAt)}>
            Launched {formatRelative(job.createdAt, now)}
          </time>
        </p>
      </div>

      <div className="min-w-0 space-y-1.5">
        <div className="flex items-center gap-2">
          <JobStateBadge state={job.state} retrying={retrying} />
          {running ? <span className="text-xs font-medium text-slate-700 tabular-nums dark:text-slate-300" data-testid="run-progress">{Math.round(job.progress)}%</span> : null}
        </div>
        {running ? <ProgressBar value={job.progress} label={`Progress of ${subject(job)}`} /> : null}
        {job.progressMessage && (running || retrying) ? <p className="truncate text-xs text-slate-600 dark:text-slate-400">{job.progressMessage}</p> : null}
        {job.state === "failed" && job.failedReason ? (
          <p className="line-clamp-2 text-xs text-red-700 dark:text-red-400" title={job.failedReason}>
            {job.failedReason}
          </p>
        ) : null}
      </div>

      <div className="text-sm text-slate-700 dark:text-slate-300" data-testid="run-eta">
        {eta ? (
          <span title={eta.explanation}>
            <span aria-hidden>{eta.label}</span>
            <span className="sr-only">{eta.explanation}</span>
          </span>
        ) : null}
      </div>

      <div className="flex flex-wrap items-center gap-2 md:justify-end">
        {job.state === "failed" ? (
          <Button variant="secondary" size="sm" loading={retry.isPending} onClick={() => retry.mutate()} aria-label={`Retry ${subject(job)}`}>
            Retry
          </Button>
        ) : null}
        {result ? (
          <Link
            href={result.href}
            className="rounded-md px-2.5 py-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-indigo-300 dark:hover:bg-indigo-950"
          >
            {result.label}
          </Link>
        ) : null}
        {retry.isError ? (
          <p role="alert" className="w-full text-xs text-red-700 md:text-right dark:text-red-400">
            {errorMessage(retry.error)}
          </p>
        ) : null}
      </div>
    </li>
  );
}
