"use client";

import { useState } from "react";
import type { JobStatus } from "../api/types";
import { Card, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { ForecastForm } from "./forecast-form";
import { ForecastRun } from "./forecast-run";
import { RecentRuns } from "./recent-runs";

/** Keeps the viewed run in the URL (?job=) so a reload or a shared link shows the same run. */
function rememberJob(jobId: string) {
  const url = new URL(window.location.href);
  url.searchParams.set("job", jobId);
  window.history.replaceState(window.history.state, "", url);
}

/** The planner's page: launch a forecast, watch it run, read the result, revisit recent runs. */
export function ForecastWorkbench({ initialJobId }: { initialJobId: string | null }) {
  const [selected, setSelected] = useState<{ jobId: string; initialStatus?: JobStatus } | null>(
    initialJobId ? { jobId: initialJobId } : null,
  );

  function select(jobId: string, initialStatus?: JobStatus) {
    setSelected({ jobId, initialStatus });
    rememberJob(jobId);
  }

  // Source order puts the run right under the form on phones; on wide screens the run takes the
  // right two columns and recent runs sit under the form.
  return (
    <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-3 lg:grid-rows-[auto_1fr]">
      <Card aria-labelledby="new-forecast-title" className="lg:col-start-1 lg:row-start-1">
        <CardHeader titleId="new-forecast-title" title="New forecast" description="Forecast a product's daily demand." />
        <div className="px-5 py-5">
          <ForecastForm onLaunched={(launch) => select(launch.jobId)} />
        </div>
      </Card>
      <div className="min-w-0 lg:col-span-2 lg:col-start-2 lg:row-span-2 lg:row-start-1">
        {selected ? (
          // Keyed by job so switching runs starts from that run's own state.
          <ForecastRun key={selected.jobId} jobId={selected.jobId} initialStatus={selected.initialStatus} />
        ) : (
          <EmptyState title="No run selected" className="bg-white py-12 lg:py-24 dark:bg-slate-900">
            Pick a product and run a forecast, or open one of your recent runs.
          </EmptyState>
        )}
      </div>
      <Card aria-labelledby="recent-runs-title" className="lg:col-start-1 lg:row-start-2">
        <CardHeader titleId="recent-runs-title" title="Recent runs" description="Your last 10 forecasts." />
        <RecentRuns selectedJobId={selected?.jobId ?? null} onSelect={(job) => select(job.id, job)} />
      </Card>
    </div>
  );
}
