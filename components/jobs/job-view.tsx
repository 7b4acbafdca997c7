"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import { isTerminal, type JobDetails, type TimelineEntry } from "../api/types";
import { formatDuration, formatTimestamp } from "../format";
import { useJobEvents } from "../job-events-provider";
import { JobStateBadge } from "../job-state-badge";
import { QueryError } from "../query-error";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { cx } from "../ui/cx";
import { EmptyState } from "../ui/empty-state";
import { ProgressBar } from "../ui/progress-bar";
import { Skeleton } from "../ui/skeleton";
import { Spinner } from "../ui/spinner";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { ConfirmDialog } from "./confirm-dialog";
import { DuplicateDialog } from "./duplicate-dialog";
import { jobActions, jobHref } from "./job-api";
import { JsonView } from "./json-view";

type Action = "retry" | "promote" | "cancel" | "remove";

const ACTION_TEXT: Record<Action, { title: string; body: string; confirm: string; tone: "primary" | "danger" }> = {
  retry: { title: "Retry this job?", body: "It goes back to the waiting jobs with its full attempt budget.", confirm: "Retry", tone: "primary" },
  promote: { title: "Run this delayed job now?", body: "It joins the waiting jobs at its priority instead of waiting for its delay.", confirm: "Promote", tone: "primary" },
  cancel: {
    title: "Cancel this job?",
    body: "A waiting or delayed job is taken off the queue; a running one is stopped by the worker that holds it, within seconds, and not retried.",
    confirm: "Cancel job",
    tone: "danger",
  },
  remove: {
    title: "Remove this job from its queue?",
    body: "BullMQ forgets it; the ledger keeps its history, marked removed. A job that has not run yet is recorded as cancelled.",
    confirm: "Remove",
    tone: "danger",
  },
};

// Precise and fixed-locale, so server and browser render the same text.
const formatTime = (iso: string | null) => (iso ? formatTimestamp(iso) : "—");
/** Retention reads in days once it is a whole number of them (7 d, not 168 h). */
const formatRetention = (ms: number | null) => (ms === null ? "—" : ms >= 86_400_000 && ms % 86_400_000 === 0 ? `${ms / 86_400_000} d` : formatDuration(ms));

/** The job page: everything about one job, live, with the actions the viewer's role allows. */
export function JobView({ queueKey, jobId, viewer }: { queueKey: string; jobId: string; viewer: { id: string; role: "ADMIN" | "PLANNER" } }) {
  const queryClient = useQueryClient();
  const key = queryKeys.jobs.details(queueKey, jobId);
  const details = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => getJson<JobDetails>(`/api/v1/queues/${encodeURIComponent(queueKey)}/jobs/${encodeURIComponent(jobId)}/details`, { signal }),
    staleTime: 0,
    // Events carry progress and endings; the poll catches the rest (picked up, promoted, removed),
    // and goes on briefly after the end: the worker writes the timeline's last events in batches.
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data) return false;
      if (!isTerminal(data.state)) return 3_000;
      return data.finishedAt && Date.now() - Date.parse(data.finishedAt) < 10_000 ? 1_000 : false;
    },
  });
  useJobEvents((event) => {
    if (event.jobId !== jobId) return;
    // An ending may cancel a read in flight: that read could predate the ledger's final word
    // (a cancelled job shows as failed in Redis until then), and polling stops once it ends.
    void queryClient.invalidateQueries({ queryKey: key }, { cancelRefetch: event.event !== "job:progress" });
  });

  const [pending, setPending] = useState<Action | null>(null);
  const [confirming, setConfirming] = useState<Action | null>(null);
  const [duplicating, setDuplicating] = useState(false);
  // `whileRunning`: the message only holds until the job stops (e.g. "the worker is stopping it").
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: ReactNode; whileRunning?: boolean } | null>(null);
  const [cancelRequested, setCancelRequested] = useState(false);

  const job = details.data;
  if (!job) {
    if (details.isError) {
      return (
        <QueryError title="Could not load this job" query={details} />
      );
    }
    return (
      <div className="space-y-6" aria-busy aria-label="Loading the job">
        <Skeleton className="h-40 w-full" />
        <div className="grid gap-6 lg:grid-cols-5">
          <Skeleton className="h-80 lg:col-span-3" />
          <Skeleton className="h-80 lg:col-span-2" />
        </div>
      </div>
    );
  }
  const isAdmin = viewer.role === "ADMIN";
  const isOwner = job.owner?.id === viewer.id;

  const inRedis = job.source === "redis";
  const cancelling = (job.cancelling || cancelRequested) && job.state === "active";
  const can: Record<Action, boolean> = {
    retry: inRedis && job.state === "failed" && (isAdmin || isOwner),
    promote: isAdmin && inRedis && job.state === "delayed",
    cancel: inRedis && ["waiting", "delayed", "active"].includes(job.state) && !cancelling && (isAdmin || isOwner),
    remove: isAdmin && inRedis && job.state !== "active",
  };

  const run = async (action: Action) => {
    setPending(action);
    setNotice(null);
    try {
      if (action === "cancel") {
        const result = await jobActions.cancel(queueKey, jobId);
        if (result.state === "cancelling") setCancelRequested(true);
        setNotice(
          result.state === "cancelling"
            ? { tone: "success", text: "Cancellation sent; the worker is stopping the job.", whileRunning: true }
            : { tone: "success", text: "The job was cancelled." },
        );
      } else if (action === "remove") {
        const result = await jobActions.remove(queueKey, jobId);
        setNotice({ tone: "success", text: result.cancelled ? "Removed from the queue before it ran; recorded as cancelled." : "Removed from the queue; its history stays here." });
      } else if (action === "promote") {
        await jobActions.promote(queueKey, jobId);
        setNotice({ tone: "success", text: "Promoted: the job is waiting to run." });
      } else {
        await jobActions.retry(queueKey, jobId);
        setNotice({ tone: "success", text: "Retried: the job is waiting to run." });
      }
    } catch (error) {
      setNotice({ tone: "error", text: errorMessage(error) });
    } finally {
      setPending(null);
      setConfirming(null);
      await queryClient.invalidateQueries({ queryKey: key });
    }
  };

  const data = job.data as Record<string, unknown> | null;
  const showActions = can.retry || can.promote || can.cancel || can.remove || isAdmin || cancelling;

  return (
    <div className="space-y-6" data-testid="job-page">
      <Card>
        <div className="flex flex-wrap items-start justify-between gap-4 px-5 py-4">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h2 className="text-lg font-semibold text-slate-900 dark:text-white">{job.name}</h2>
              <span data-testid="job-state">
                <JobStateBadge state={job.state} retrying={job.state === "delayed" && job.attemptsMade > 0} />
              </span>
              {cancelling ? (
                <Badge tone="warning">
                  <Spinner className="size-3" /> Cancelling…
                </Badge>
              ) : null}
              {job.removedAt ? <Badge tone="neutral">Removed from queue</Badge> : null}
            </div>
            <p className="mt-1 font-mono text-xs break-all text-slate-600 dark:text-slate-400">
              {isAdmin ? (
                <Link href={`/queues/${queueKey}`} className="text-indigo-700 hover:underline dark:text-indigo-400">
                  {job.queueLabel}
                </Link>
              ) : (
                job.queueLabel
              )}{" "}
              · {job.id}
            </p>
          </div>
          {showActions ? (
            <div className="flex flex-wrap gap-2" role="group" aria-label="Job actions">
              {can.retry ? (
                <Button variant="secondary" size="sm" onClick={() => setConfirming("retry")} loading={pending === "retry"}>
                  Retry
                </Button>
              ) : null}
              {can.promote ? (
                <Button variant="secondary" size="sm" onClick={() => setConfirming("promote")} loading={pending === "promote"}>
                  Promote
                </Button>
              ) : null}
              {isAdmin ? (
                <Button variant="secondary" size="sm" onClick={() => setDuplicating(true)}>
                  Duplicate…
                </Button>
              ) : null}
              {cancelling ? (
                <Button variant="secondary" size="sm" disabled>
                  <Spinner className="size-4" /> Cancelling…
                </Button>
              ) : can.cancel ? (
                <Button variant="danger" size="sm" onClick={() => setConfirming("cancel")} loading={pending === "cancel"}>
                  Cancel job
                </Button>
              ) : null}
              {can.remove ? (
                <Button variant="ghost" size="sm" onClick={() => setConfirming("remove")} loading={pending === "remove"} className="text-red-700 dark:text-red-400">
                  Remove
                </Button>
              ) : null}
            </div>
          ) : null}
        </div>
        {job.state === "active" ? (
          <div className="px-5 pb-4">
            <ProgressBar value={job.progress} label="Job progress" />
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
              {Math.round(job.progress)} %{job.progressMessage ? ` · ${job.progressMessage}` : ""}
            </p>
          </div>
        ) : null}
        <dl className="grid grid-cols-2 gap-px border-t border-slate-200 bg-slate-200 sm:grid-cols-3 lg:grid-cols-6 dark:border-slate-800 dark:bg-slate-800">
          <Fact label="Owner">{job.owner ? <span title={job.owner.email}>{job.owner.name}</span> : "—"}</Fact>
          <Fact label="Created">{formatTime(job.createdAt)}</Fact>
          <Fact label="Started">{formatTime(job.startedAt)}</Fact>
          <Fact label="Finished">{formatTime(job.finishedAt)}</Fact>
          <Fact label="Attempts">
            {job.attemptsMade} of {job.options.attempts}
          </Fact>
          <Fact label="Priority">{job.options.priority ?? "—"}</Fact>
        </dl>
        <div className="flex flex-wrap gap-x-4 gap-y-1 border-t border-slate-200 px-5 py-3 text-sm dark:border-slate-800">
          <span className="text-slate-600 dark:text-slate-400">
            {inRedis ? "Live from the queue." : "History from the job ledger: the queue no longer holds this job."}
          </span>
          {job.links.subject ? (
            <span className="text-slate-700 dark:text-slate-300">
              {job.links.subject.kindLabel} <span className="font-mono">{job.links.subject.label}</span>
              {job.links.subject.detail ? ` · ${job.links.subject.detail}` : null}
              {isAdmin ? (
                <>
                  {" "}
                  ·{" "}
                  <Link href={job.links.subject.href} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                    its other jobs
                  </Link>
                </>
              ) : null}
            </span>
          ) : null}
          {job.links.result ? (
            <Link href={job.links.result.href} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
              {job.links.result.label}
            </Link>
          ) : null}
        </div>
      </Card>

      {notice && (!notice.whileRunning || job.state === "active") ? (
        <Alert tone={notice.tone === "success" ? "success" : "error"} className="" actions={<Button variant="ghost" size="sm" onClick={() => setNotice(null)}>Dismiss</Button>}>
          <span data-testid="job-notice">{notice.text}</span>
        </Alert>
      ) : null}
      {details.isError ? <Alert tone="warning" title="This page is not updating">{errorMessage(details.error)}</Alert> : null}

      {job.failedReason && (job.state === "failed" || job.state === "cancelled" || job.state === "lost" || job.state === "delayed") ? (
        <Card>
          <CardHeader title={job.state === "cancelled" ? "Why it stopped" : job.state === "lost" ? "Why it was lost" : job.state === "delayed" ? "Last attempt failed" : "Failure"} />
          <CardBody className="space-y-3">
            <p className="text-sm font-medium break-words text-red-800 dark:text-red-300" data-testid="failed-reason">
              {job.failedReason}
            </p>
            {job.stacktrace.length > 0 ? (
              <details>
                <summary className="cursor-pointer text-sm font-medium text-slate-700 dark:text-slate-300">Stack trace ({job.stacktrace.length})</summary>
                <pre tabIndex={0} className="mt-2 max-h-80 overflow-auto rounded-lg bg-slate-50 p-3 font-mono text-xs text-slate-800 ring-1 ring-slate-200 dark:bg-slate-950 dark:text-slate-200 dark:ring-slate-800">
                  {job.stacktrace.join("\n\n")}
                </pre>
              </details>
            ) : null}
          </CardBody>
        </Card>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-5">
        <div className="space-y-6 lg:col-span-3">
          <Card aria-labelledby="timeline-title">
            <CardHeader titleId="timeline-title" title="Timeline" description="Created, each attempt, progress steps, cancellations and admin actions." />
            <CardBody>
              <Timeline entries={job.timeline} />
            </CardBody>
          </Card>
          <Card aria-labelledby="attempts-title">
            <CardHeader titleId="attempts-title" title="Attempts" />
            {job.attemptHistory.length === 0 ? (
              <CardBody>
                <p className="text-sm text-slate-600 dark:text-slate-400">No attempt has started yet.</p>
              </CardBody>
            ) : (
              <Table caption="Attempts of this job, oldest first">
                <THead>
                  <Th>#</Th>
                  <Th>Started</Th>
                  <Th>Ended</Th>
                  <Th>Duration</Th>
                  <Th>Outcome</Th>
                </THead>
                <TBody>
                  {job.attemptHistory.map((attempt) => (
                    <Tr key={`${attempt.attempt}-${attempt.startedAt}`} hover={false}>
                      <Td className="tabular-nums">{attempt.attempt}</Td>
                      <Td className="whitespace-nowrap">{formatTime(attempt.startedAt)}</Td>
                      <Td className="whitespace-nowrap">{formatTime(attempt.endedAt)}</Td>
                      <Td className="tabular-nums">{attempt.durationMs === null ? "—" : formatDuration(attempt.durationMs)}</Td>
                      <Td>
                        <span className={cx(attempt.outcome === "completed" ? "text-emerald-700 dark:text-emerald-400" : attempt.outcome === "running" ? "text-sky-700 dark:text-sky-400" : "text-red-700 dark:text-red-400")}>
                          {attempt.outcome}
                        </span>
                        {attempt.message && attempt.outcome !== "completed" ? <p className="max-w-56 truncate text-xs text-slate-600 dark:text-slate-400" title={attempt.message}>{attempt.message}</p> : null}
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            )}
          </Card>
          <Card aria-labelledby="logs-title">
            <CardHeader
              titleId="logs-title"
              title="Logs"
              description={job.logs.source === "redis" ? "Written by the processor, as BullMQ holds them." : "Written by the processor, kept in the job ledger."}
            />
            <CardBody>
              {job.logs.lines.length === 0 ? (
                <p className="text-sm text-slate-600 dark:text-slate-400">The processor has not logged anything.</p>
              ) : (
                <pre tabIndex={0} aria-label="Job logs" data-testid="job-logs" className="max-h-80 overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100 ring-1 ring-slate-800">
                  {job.logs.lines.join("\n")}
                </pre>
              )}
              {job.logs.total > job.logs.lines.length ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Showing the first {job.logs.lines.length} of {job.logs.total} lines.</p> : null}
            </CardBody>
          </Card>
        </div>
        <div className="space-y-6 lg:col-span-2">
          {job.result !== null && job.result !== undefined ? (
            <Card aria-labelledby="result-title">
              <CardHeader titleId="result-title" title="Return value" />
              <CardBody>
                <JsonView value={job.result} label="Return value" />
              </CardBody>
            </Card>
          ) : null}
          <Card aria-labelledby="data-title">
            <CardHeader titleId="data-title" title="Data" />
            <CardBody>
              <JsonView value={data} label="Job data" />
            </CardBody>
          </Card>
          <Card aria-labelledby="options-title">
            <CardHeader titleId="options-title" title="Options" description={inRedis ? undefined : "The queue's settings; the job's own options left with Redis."} />
            <CardBody>
              <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
                <Option label="Attempts">{job.options.attempts}</Option>
                <Option label="Backoff">{job.options.backoff ? `${job.options.backoff.type}, from ${formatDuration(job.options.backoff.delay)}` : "none"}</Option>
                <Option label="Priority">{job.options.priority ?? "default"}</Option>
                <Option label="Delay">{job.options.delay > 0 ? formatDuration(job.options.delay) : "none"}</Option>
                {job.options.runAt ? <Option label="Runs at">{formatTime(job.options.runAt)}</Option> : null}
                <Option label="Kept when completed">{formatRetention(job.options.keepCompletedMs)}</Option>
                <Option label="Kept when failed">{formatRetention(job.options.keepFailedMs)}</Option>
              </dl>
            </CardBody>
          </Card>
        </div>
      </div>

      {confirming ? (
        <ConfirmDialog
          open
          title={ACTION_TEXT[confirming].title}
          confirmLabel={ACTION_TEXT[confirming].confirm}
          tone={ACTION_TEXT[confirming].tone}
          busy={pending === confirming}
          onConfirm={() => void run(confirming)}
          onClose={() => setConfirming(null)}
        >
          {ACTION_TEXT[confirming].body}
        </ConfirmDialog>
      ) : null}
      {isAdmin ? (
        <DuplicateDialog
          open={duplicating}
          queueKey={queueKey}
          jobId={jobId}
          data={data}
          priority={job.options.priority}
          onClose={() => setDuplicating(false)}
          onDuplicated={(newJobId) => {
            setDuplicating(false);
            setNotice({
              tone: "success",
              text: (
                <>
                  Copy added as{" "}
                  <Link href={jobHref(queueKey, newJobId)} className="font-mono font-medium underline" data-testid="duplicate-link">
                    {newJobId}
                  </Link>
                  .
                </>
              ),
            });
            void queryClient.invalidateQueries({ queryKey: key });
          }}
        />
      ) : null}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="bg-white px-4 py-2.5 dark:bg-slate-900">
      <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 truncate text-sm font-medium text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  );
}

function Option({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="text-slate-900 dark:text-slate-100">{children}</dd>
    </>
  );
}

const KIND_LABEL: Record<TimelineEntry["kind"], string> = {
  created: "Created",
  active: "Attempt started",
  progress: "Progress",
  log: "Log",
  completed: "Completed",
  failed: "Failed",
  retrying: "Attempt failed, will retry",
  retried: "Retried",
  promoted: "Promoted",
  "cancel-requested": "Cancellation requested",
  cancelled: "Cancelled",
  removed: "Removed",
  duplicated: "Duplicated",
};

const KIND_DOT: Partial<Record<TimelineEntry["kind"], string>> = {
  completed: "bg-emerald-500",
  failed: "bg-red-500",
  retrying: "bg-amber-500",
  cancelled: "bg-slate-500",
  "cancel-requested": "bg-amber-500",
  removed: "bg-slate-500",
  active: "bg-sky-500",
  promoted: "bg-indigo-500",
  retried: "bg-indigo-500",
  duplicated: "bg-indigo-500",
};

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <EmptyState title="Nothing recorded yet" />;
  return (
    <ol className="relative space-y-3 border-l border-slate-200 pl-5 dark:border-slate-700" data-testid="job-timeline">
      {entries.map((entry, index) => (
        <li key={`${entry.kind}-${entry.at}-${index}`} className="relative">
          <span aria-hidden className={cx("absolute top-1.5 -left-[1.6rem] size-2.5 rounded-full ring-4 ring-white dark:ring-slate-900", KIND_DOT[entry.kind] ?? "bg-slate-400")} />
          <div className="flex flex-wrap items-baseline gap-x-2">
            <span className="text-sm font-medium text-slate-900 dark:text-slate-100">{KIND_LABEL[entry.kind]}</span>
            {entry.attempt ? <span className="text-xs text-slate-600 dark:text-slate-400">attempt {entry.attempt}</span> : null}
            {entry.kind === "progress" && entry.progress !== null ? <span className="text-xs tabular-nums text-slate-600 dark:text-slate-400">{entry.progress} %</span> : null}
            <time dateTime={entry.at} className="ml-auto text-xs tabular-nums text-slate-500 dark:text-slate-400">
              {formatTime(entry.at)}
            </time>
          </div>
          {entry.message ? <p className={cx("text-sm break-words text-slate-600 dark:text-slate-300", entry.kind === "log" && "font-mono text-xs")}>{entry.message}</p> : null}
          {entry.actor && entry.kind !== "created" ? <p className="text-xs text-slate-500 dark:text-slate-400">by {entry.actor.name}</p> : null}
          {entry.actor && entry.kind === "created" ? <p className="text-xs text-slate-500 dark:text-slate-400">for {entry.actor.name}</p> : null}
        </li>
      ))}
    </ol>
  );
}
