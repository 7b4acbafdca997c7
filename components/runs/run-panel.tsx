"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { catalog } from "@/lib/jobs/catalog";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError, errorMessage, getJson } from "../api/api-client";
import { isTerminal, type JobResult, type JobStatus } from "../api/types";
import { formatDateTime } from "../format";
import { useJobEventsStatus } from "../job-events-provider";
import { JobStateBadge } from "../job-state-badge";
import { ConfirmDialog } from "../jobs/confirm-dialog";
import { jobActions } from "../jobs/job-api";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody } from "../ui/card";
import { ProgressBar } from "../ui/progress-bar";
import { Skeleton } from "../ui/skeleton";
import { Spinner } from "../ui/spinner";
import { queueView, readPayload, type ViewedQueue } from "./queue-views";
import { RunSteps } from "./run-steps";

const QUEUED_STATES = new Set(["waiting", "prioritized", "delayed", "waiting-children"]);
const CANCELLABLE_STATES = new Set(["waiting", "prioritized", "delayed", "waiting-children", "active"]);

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * One run of any queue with a page: live progress and the catalogue's steps while it runs, the
 * queue's result view once it completes, the reason and a retry when it fails, and a cancel
 * while it has not finished. The status is read once from the API (so a missed event cannot
 * leave it stale) and then kept current by SSE events folded into the cache.
 */
export function RunPanel<K extends ViewedQueue>({ queue, jobId, initialStatus }: { queue: K; jobId: string; initialStatus?: JobStatus }) {
  const view = queueView(queue);
  const steps = catalog[queue].progressSteps;
  const noun = capitalize(view.noun.one);
  const queryClient = useQueryClient();
  const live = useJobEventsStatus() === "open";
  const statusKey = queryKeys.jobs.status(queue, jobId);
  const [confirmingCancel, setConfirmingCancel] = useState(false);

  const status = useQuery({
    queryKey: statusKey,
    queryFn: ({ signal }) => getJson<JobStatus>(`/api/v1/queues/${queue}/jobs/${encodeURIComponent(jobId)}`, { signal }),
    initialData: initialStatus,
    // Shown at once from the recent-runs list, but treated as stale so the API's view replaces it.
    initialDataUpdatedAt: 0,
    // Events drive updates; polling is only a safety net, tighter while the stream is down. A run
    // known as completed before its result could be read (the event won the race with a fetch
    // begun earlier) is read again until the result is there.
    refetchInterval: (query) => {
      const data = query.state.data;
      const justFinished = data?.finishedAt ? Date.now() - Date.parse(data.finishedAt) < 60_000 : true;
      if (data?.state === "completed" && data.result == null && justFinished) return 1_000;
      return isTerminal(data?.state) ? false : live ? 15_000 : 2_000;
    },
  });

  const settle = () => {
    void queryClient.invalidateQueries({ queryKey: statusKey });
    void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
  };

  const retry = useMutation({
    mutationFn: () => jobActions.retry(queue, jobId),
    onSuccess: () => {
      queryClient.setQueryData<JobStatus>(statusKey, (old) =>
        old ? { ...old, state: "waiting", progress: 0, progressMessage: null, failedReason: null, finishedAt: null } : old,
      );
      settle();
    },
  });

  const cancel = useMutation({
    mutationFn: () => jobActions.cancel(queue, jobId),
    onSuccess: ({ state }) => {
      // A queued run is gone at once; a running one stops when its worker sees the request.
      if (state === "cancelled") queryClient.setQueryData<JobStatus>(statusKey, (old) => (old ? { ...old, state: "cancelled" } : old));
      setConfirmingCancel(false);
      settle();
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
        {notFound ? `This ${view.noun.one} run does not exist any more, or it belongs to someone else.` : errorMessage(status.error)}
      </Alert>
    );
  }

  const job = status.data!;
  const payload = readPayload(queue, job.data);
  const facts = payload ? view.facts(payload) : [];
  const queued = QUEUED_STATES.has(job.state) && !job.failedReason;
  const retrying = job.state === "delayed" && Boolean(job.failedReason);
  const stopped = job.state === "failed" || job.state === "cancelled" || job.state === "lost";
  const cancelling = cancel.data?.state === "cancelling" && job.state === "active";
  const cancellable = job.source === "redis" && CANCELLABLE_STATES.has(job.state) && !cancelling;
  const stepIndex = steps.findIndex((step) => step.message === job.progressMessage);
  const percent = job.state === "completed" ? 100 : job.progress;
  const message = job.state === "completed" ? "Complete" : queued ? "Waiting for a worker" : (job.progressMessage ?? "Starting");
  const Result = view.Result;

  return (
    <div className="space-y-6">
      <Card aria-labelledby={`run-${jobId}`}>
        <CardBody className="space-y-4">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <h2 id={`run-${jobId}`} className="text-base font-semibold text-slate-900 dark:text-white">
                {noun} run · <span className="font-mono text-[0.95em]">{view.subject(job)}</span>
              </h2>
              <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">{[...facts, `started ${formatDateTime(job.createdAt)}`].join(" · ")}</p>
            </div>
            <div className="flex flex-wrap items-center gap-2">
              {cancelling ? (
                <Badge tone="warning">
                  <Spinner className="size-3" /> Cancelling…
                </Badge>
              ) : (
                <JobStateBadge state={job.state} retrying={retrying} />
              )}
              {cancellable ? (
                <Button variant="ghost" size="sm" onClick={() => setConfirmingCancel(true)}>
                  Cancel run
                </Button>
              ) : null}
            </div>
          </div>

          {!stopped ? (
            <div>
              <div className="mb-2 flex items-baseline justify-between gap-3 text-sm">
                <span className="font-medium text-slate-900 dark:text-slate-100" data-testid="progress-message" aria-live="polite">
                  {message}
                </span>
                <span className="text-slate-600 tabular-nums dark:text-slate-400">
                  {stepIndex >= 0 && job.state !== "completed" ? `Step ${stepIndex + 1} of ${steps.length} · ` : ""}
                  <span data-testid="progress-percent">{Math.round(percent)}%</span>
                </span>
              </div>
              <ProgressBar value={percent} label={`${noun} progress`} tone={job.state === "completed" ? "success" : queued ? "idle" : "active"} />
            </div>
          ) : null}

          <RunSteps steps={steps} job={job} />

          {retrying ? (
            <Alert tone="warning" title="An attempt failed; retrying automatically">
              {job.progressMessage ?? job.failedReason}
            </Alert>
          ) : null}

          {job.state === "failed" ? (
            <Alert
              tone="error"
              title={`The ${view.noun.one} failed`}
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

          {job.state === "cancelled" ? (
            <Alert tone="info" title={`The ${view.noun.one} was cancelled`}>
              {job.failedReason ?? "It was stopped before it finished."}
            </Alert>
          ) : null}

          {cancel.isError ? <Alert tone="error" title="Could not cancel the run">{errorMessage(cancel.error)}</Alert> : null}

          {status.isError ? (
            <p className="text-xs text-amber-800 dark:text-amber-300">Could not refresh: {errorMessage(status.error)}. Showing the last known state.</p>
          ) : null}
        </CardBody>
      </Card>

      {job.state === "completed" ? (
        job.result ? <Result result={job.result as JobResult<K>} /> : <Alert tone="warning">The run completed without a result.</Alert>
      ) : null}

      <ConfirmDialog
        open={confirmingCancel}
        title={`Cancel this ${view.noun.one}?`}
        confirmLabel="Cancel run"
        tone="danger"
        busy={cancel.isPending}
        onConfirm={() => cancel.mutate()}
        onClose={() => setConfirmingCancel(false)}
      >
        A queued run is taken off the queue; a running one is stopped by its worker within seconds. Either way it is not retried.
      </ConfirmDialog>
    </div>
  );
}
