"use client";

import { useState } from "react";
import { isBatchJob } from "@/lib/jobs/batch-contract";
import { BatchProgress } from "../batches/batch-progress";
import type { JobStatus } from "../api/types";
import { Card, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { queueView, type ViewedQueue } from "./queue-views";
import { RECENT_RUNS, RecentRuns } from "./recent-runs";
import { RunPanel } from "./run-panel";

/** Keeps the viewed run in the URL (?job=) so a reload or a shared link shows the same run. */
export function rememberJob(jobId: string) {
  const url = new URL(window.location.href);
  url.searchParams.set("job", jobId);
  window.history.replaceState(window.history.state, "", url);
}

/** A queue's page: launch a run with the queue's form, watch it, read its result, revisit recent runs. */
export function RunWorkbench<K extends ViewedQueue>({ queue, initialJobId }: { queue: K; initialJobId: string | null }) {
  const view = queueView(queue);
  const Form = view.Form;
  const [selected, setSelected] = useState<{ jobId: string; initialStatus?: JobStatus } | null>(initialJobId ? { jobId: initialJobId } : null);

  function select(jobId: string, initialStatus?: JobStatus) {
    setSelected({ jobId, initialStatus });
    rememberJob(jobId);
  }

  // Source order puts the run right under the form on phones; on wide screens the run takes the
  // right two columns and recent runs sit under the form.
  return (
    <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-3 lg:grid-rows-[auto_1fr]">
      <Card aria-labelledby="new-run-title" className="lg:col-start-1 lg:row-start-1">
        <CardHeader titleId="new-run-title" title={`New ${view.noun.one}`} description={view.formDescription} />
        <div className="px-5 py-5">
          <Form onLaunched={(jobId) => select(jobId)} />
        </div>
      </Card>
      <div className="min-w-0 lg:col-span-2 lg:col-start-2 lg:row-span-2 lg:row-start-1">
        {selected?.initialStatus && isBatchJob(selected.initialStatus.name) ? (
          // A batch among the recent runs: its children's progress, not one job's steps.
          <BatchProgress key={selected.jobId} batchId={selected.jobId} title={`Batch of ${view.noun.many}`} />
        ) : selected ? (
          // Keyed by job so switching runs starts from that run's own state.
          <RunPanel key={selected.jobId} queue={queue} jobId={selected.jobId} initialStatus={selected.initialStatus} />
        ) : (
          <EmptyState title="No run selected" className="bg-white py-12 lg:py-24 dark:bg-slate-900">
            {view.emptyHint}
          </EmptyState>
        )}
      </div>
      <Card aria-labelledby="recent-runs-title" className="lg:col-start-1 lg:row-start-2">
        <CardHeader titleId="recent-runs-title" title="Recent runs" description={`Your last ${RECENT_RUNS} ${view.noun.many}.`} />
        <RecentRuns queue={queue} selectedJobId={selected?.jobId ?? null} onSelect={(job) => select(job.id, job)} />
      </Card>
    </div>
  );
}
