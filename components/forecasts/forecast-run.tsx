"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError, errorMessage, getJson, postJson } from "../api/api-client";
import { isTerminal, type ForecastJobResult, type JobStatus } from "../api/types";
import { formatDateTime } from "../format";
import { useJobEventsStatus } from "../job-events-provider";
import { JobStateBadge } from "../job-state-badge";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardBody } from "../ui/card";
import { ProgressBar } from "../ui/progress-bar";
import { Skeleton } from "../ui/skeleton";
import { ForecastResult } from "./forecast-result";
import { FORECAST_STEPS, modelLabel, skuFromJobName } from "./models";

const QUEUED_STATES = new Set(["waiting", "prioritized", "delayed", "waiting-children"]);

function forecastResult(status: JobStatus): ForecastJobResult | null {
  const result = status.result as Partial<ForecastJobResult> | null;
  return result && typeof result.forecastId === "string" ? (result as ForecastJobResult) : null;
}

/**
 * One forecast run: live progress while it runs, the forecast once it completes, the reason and
 * a retry when it fails. The status is read once from the API (so a missed event cannot leave it
 * stale) and then kept current by SSE events folded into the cache.
 */
export function ForecastRun({ jobId, initialStatus }: { jobId: string; initialStatus?: JobStatus }) {
  const queryClient = useQueryClient();
  const live = useJobEventsStatus() === "open";
  const statusKey = queryKeys.jobs.status("forecast", jobId);

  const status = useQuery({
    queryKey: statusKey,
    queryFn: ({ signal }) => getJson<JobStatus>(`/api/v1/queues/forecast/jobs/${encodeURIComponent(jobId)}`, { signal }),
    initialData: initialStatus,
    // Shown at once from the recent-runs list, but treated as stale so the API's view replaces it.
    initialDataUpdatedAt: 0,
    // Events drive updates; polling is only a safety net, tighter while the stream is down.
    refetchInterval: (query) => (isTerminal(query.state.data?.state) ? false : live ? 15_000 : 2_000),
  });

  const retry = useMutation({
    mutationFn: () => postJson<{ jobId: string; state: string }>(`/api/v1/queues/forecast/jobs/${encodeURIComponent(jobId)}/retry`),
    onSuccess: () => {
      queryClient.setQueryData<JobStatus>(statusKey, (old) =>
        old ? { ...old, state: "waiting", progress: 0, progressMessage: null, failedReason: null, finishedAt: null } : old,
      );
      void queryClient.invalidateQueries({ queryKey: statusKey });
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
    },
  });

  if (status.isPending) {
    return (
      <Card aria-busy>
        <CardBody className="space-y-3">
          <Skeleton className="h-5 w-48" />
          <Skeleton className="h-2.5 w-full" />
          <Skeleton className="h-4 w-32" />
        </CardBody>
      </Card>
    );
  }

  if (status.isError && !status.data) {
    const notFound = status.error instanceof ApiRequestError && status.error.status === 404;
    return (
      <Alert
        tone={notFound ? "warning" : "error"}
        title={notFound ? "Run not found" : "Could not load this run"}
        actions={
          notFound ? null : (
            <Button variant="secondary" size="sm" onClick={() => void status.refetch()}>
              Try again
            </Button>
          )
        }
      >
        {notFound ? "This forecast run does not exist any more, or it belongs to someone else." : errorMessage(status.error)}
      </Alert>
    );
  }

  const job = status.data!;
  const data = (job.data ?? {}) as { horizon?: number; models?: string[] };
  const result = job.state === "completed" ? forecastResult(job) : null;
  const queued = QUEUED_STATES.has(job.state) && !job.failedReason;
  const retrying = job.state === "delayed" && Boolean(job.failedReason);
  const stepIndex = FORECAST_STEPS.findIndex((step) => step.message === job.progressMessage);
  const percent = job.state === "completed" ? 100 : job.progress;
  const message = job.state === "completed" ? "Complete" : queued ? "Waiting for a worker" : (job.progressMessage ?? "Starting");
  const modelsText = !data.models || data.models[0] === "all" ? "All models" : data.models.map(modelLabel).join(", ");

  return (
    <div className="space-y-6">
      <Card aria-labelledby={`run-${jobId}`}>
        <CardBody className="space-y-4">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <h2 id={`run-${jobId}`} className="text-base font-semibold text-slate-900 dark:text-white">
                Forecast run · <span className="font-mono text-[0.95em]">{skuFromJobName(job.name)}</span>
              </h2>
              <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
                {data.horizon ? `${data.horizon}-day horizon · ` : ""}
                {modelsText} · started {formatDateTime(job.createdAt)}
              </p>
            </div>
            <JobStateBadge state={job.state} retrying={retrying} />
          </div>

          {job.state !== "failed" && job.state !== "cancelled" ? (
            <div>
              <div className="mb-2 flex items-baseline justify-between gap-3 text-sm">
                <span className="font-medium text-slate-900 dark:text-slate-100" data-testid="progress-message" aria-live="polite">
                  {message}
                </span>
                <span className="text-slate-600 tabular-nums dark:text-slate-400">
                  {stepIndex >= 0 && job.state !== "completed" ? `Step ${stepIndex + 1} of ${FORECAST_STEPS.length} · ` : ""}
                  <span data-testid="progress-percent">{Math.round(percent)}%</span>
                </span>
              </div>
              <ProgressBar
                value={percent}
                label="Forecast progress"
                tone={job.state === "completed" ? "success" : queued ? "idle" : "active"}
              />
            </div>
          ) : null}

          {retrying ? (
            <Alert tone="warning" title="An attempt failed; retrying automatically">
              {job.progressMessage ?? job.failedReason}
            </Alert>
          ) : null}

          {job.state === "failed" ? (
            <Alert
              tone="error"
              title="The forecast failed"
              actions={
                <Button variant="secondary" size="sm" loading={retry.isPending} onClick={() => retry.mutate()}>
                  Retry
                </Button>
              }
            >
              <p>{job.failedReason ?? "No reason was recorded."}</p>
              {job.attemptsMade > 0 ? <p className="mt-1 text-xs opacity-80">After {job.attemptsMade} attempt{job.attemptsMade === 1 ? "" : "s"}.</p> : null}
              {retry.isError ? <p className="mt-1 font-medium">Retry failed: {errorMessage(retry.error)}</p> : null}
            </Alert>
          ) : null}

          {status.isError ? (
            <p className="text-xs text-amber-800 dark:text-amber-300">Could not refresh: {errorMessage(status.error)}. Showing the last known state.</p>
          ) : null}
        </CardBody>
      </Card>

      {job.state === "completed" && !result ? (
        <Alert tone="warning">The run completed but its result does not name a saved forecast.</Alert>
      ) : null}
      {result ? <ForecastResult forecastId={result.forecastId} productId={result.productId} /> : null}
    </div>
  );
}
