"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError, errorMessage, getJson } from "../api/api-client";
import { formatDateTime, formatInteger, formatRelative } from "../format";
import { jobActions, jobHref } from "../jobs/job-api";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { BulkConfirmDialog, type BulkRequest } from "./bulk-confirm-dialog";
import { BulkProgress } from "./bulk-progress";
import { isRunning, useBulkAction, type FailureGroup, type GroupJobsPage } from "./failed-api";

const PAGE_SIZE = 50;

/**
 * One failure group: what it is, its jobs newest first (50 at a time, by keyset), and the bulk
 * actions on it. Each action asks for confirmation with the count from a fresh preview, then runs
 * in the worker while this page shows its progress.
 */
export function GroupView({ fingerprint }: { fingerprint: string }) {
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [request, setRequest] = useState<BulkRequest | null>(null);
  const [actionId, setActionId] = useState<string | null>(null);
  const action = useBulkAction(actionId);

  const pages = useInfiniteQuery({
    queryKey: queryKeys.failed.groupJobs(fingerprint),
    queryFn: ({ pageParam, signal }) =>
      getJson<GroupJobsPage>(
        `/api/v1/failed-groups/${encodeURIComponent(fingerprint)}/jobs?limit=${PAGE_SIZE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`,
        { signal },
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 15_000,
  });

  // While our action runs, the group shrinks batch by batch; when it ends, show the final state.
  const status = action.data?.status;
  const done = action.data?.done;
  useEffect(() => {
    if (!status) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.failed.all });
    if (!isRunning({ status })) setSelected(new Set());
  }, [status, done, queryClient]);

  const group: FailureGroup | null | undefined = pages.data?.pages[0]?.group;
  const jobs = useMemo(() => pages.data?.pages.flatMap((page) => page.jobs) ?? [], [pages.data]);
  const allOnPageSelected = jobs.length > 0 && jobs.every((job) => selected.has(job.id));
  const selectedIds = [...selected].filter((id) => jobs.some((job) => job.id === id));
  const busy = action.data ? isRunning(action.data) : false;
  const headerCheckbox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerCheckbox.current) headerCheckbox.current.indeterminate = selectedIds.length > 0 && !allOnPageSelected;
  }, [selectedIds.length, allOnPageSelected]);

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="space-y-6">
      <p>
        <Link href="/failed" className="text-sm font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300">
          ← All failure groups
        </Link>
      </p>

      {pages.isError ? (
        <Alert
          tone={pages.error instanceof ApiRequestError && pages.error.isUnavailable ? "warning" : "error"}
          title="Could not load this failure group"
          actions={
            <Button variant="secondary" size="sm" onClick={() => void pages.refetch()}>
              Retry now
            </Button>
          }
        >
          {errorMessage(pages.error)}
        </Alert>
      ) : null}

      {pages.isPending ? (
        <Card>
          <CardBody className="space-y-3">
            <Skeleton className="h-6 w-2/3" />
            <Skeleton className="h-4 w-1/3" />
          </CardBody>
        </Card>
      ) : group ? (
        <Card aria-labelledby="group-title" data-testid="group-summary">
          <CardBody className="space-y-4">
            <div className="flex flex-wrap items-center gap-2">
              <Badge tone="accent">{group.queue}</Badge>
              <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{group.name}</span>
              <span className="font-mono text-xs text-slate-500 dark:text-slate-500" title="Failure fingerprint">
                #{group.fingerprint}
              </span>
            </div>
            <h2 id="group-title" className="text-lg font-semibold break-words text-slate-900 dark:text-white">
              {group.pattern || "(no reason recorded)"}
            </h2>
            <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
              <Fact label="Failed jobs" value={<span data-testid="group-job-count">{formatInteger(group.count)}</span>} />
              <Fact label="First seen" value={<time dateTime={group.firstSeen}>{formatDateTime(group.firstSeen)}</time>} />
              <Fact label="Last seen" value={<time dateTime={group.lastSeen}>{formatRelative(group.lastSeen)}</time>} />
              <Fact label="Example" value={<span className="line-clamp-2 break-words" title={group.sampleReason ?? ""}>{group.sampleReason ?? "—"}</span>} />
            </dl>
            <div className="flex flex-wrap gap-2" role="group" aria-label="Bulk actions on this group">
              <Button
                variant="secondary"
                disabled={selectedIds.length === 0 || busy}
                onClick={() => setRequest({ action: "retry", target: { jobIds: selectedIds }, title: `Retry ${formatInteger(selectedIds.length)} selected ${selectedIds.length === 1 ? "job" : "jobs"}` })}
              >
                Retry selected{selectedIds.length > 0 ? ` (${formatInteger(selectedIds.length)})` : ""}
              </Button>
              <Button disabled={busy} onClick={() => setRequest({ action: "retry", target: { fingerprint }, title: `Retry all ${formatInteger(group.count)} jobs of this group` })}>
                Retry all {formatInteger(group.count)}
              </Button>
              <Button
                variant="danger"
                disabled={busy}
                onClick={() => setRequest({ action: "remove", target: { fingerprint }, title: `Remove all ${formatInteger(group.count)} jobs of this group` })}
              >
                Remove all {formatInteger(group.count)}
              </Button>
            </div>
          </CardBody>
        </Card>
      ) : pages.isSuccess ? (
        <EmptyState title="No failed jobs in this group" className="bg-white dark:bg-slate-900">They were retried or removed, or they passed their queue&apos;s retention.</EmptyState>
      ) : null}

      {action.data ? (
        <Card aria-labelledby="group-action-title">
          <CardHeader titleId="group-action-title" title={isRunning(action.data) ? "Running in the background" : "Bulk action finished"} as="h2" />
          <CardBody>
            <BulkProgress action={action.data} />
          </CardBody>
        </Card>
      ) : null}

      {jobs.length > 0 ? (
        <Card aria-labelledby="group-jobs-title">
          <CardHeader
            titleId="group-jobs-title"
            title="Jobs"
            description={`Newest first; ${formatInteger(jobs.length)} of ${formatInteger(group?.count ?? jobs.length)} shown.`}
          />
          <Table className="min-w-[48rem]" data-testid="group-jobs" caption="Failed jobs of this group">
            <THead>
              <Th className="w-10">
                <input
                  ref={headerCheckbox}
                  type="checkbox"
                  className="size-4 rounded border-slate-400 accent-indigo-600"
                  aria-label={allOnPageSelected ? "Clear the selection" : "Select every job shown"}
                  checked={allOnPageSelected}
                  onChange={() => setSelected(allOnPageSelected ? new Set() : new Set(jobs.map((job) => job.id)))}
                />
              </Th>
              <Th>Job</Th>
              <Th>Owner</Th>
              <Th>Failed</Th>
              <Th align="right">Attempts</Th>
              <Th>Reason</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </THead>
            <TBody>
              {jobs.map((job) => (
                <Tr key={job.id} hover={false} className={selected.has(job.id) ? "bg-indigo-50/60 dark:bg-indigo-950/30" : undefined}>
                  <Td>
                    <input
                      type="checkbox"
                      className="size-4 rounded border-slate-400 accent-indigo-600"
                      aria-label={`Select job ${job.id}`}
                      checked={selected.has(job.id)}
                      onChange={() => toggle(job.id)}
                    />
                  </Td>
                  <Td>
                    <Link href={jobHref(job.queue, job.id)} className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300">
                      {job.id}
                    </Link>
                  </Td>
                  <Td>{job.owner?.name ?? <span className="text-slate-500">system</span>}</Td>
                  <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">
                    <time dateTime={job.failedAt} title={formatDateTime(job.failedAt)}>
                      {formatRelative(job.failedAt)}
                    </time>
                  </Td>
                  <Td numeric>{job.attempts}</Td>
                  <Td className="max-w-[24rem]">
                    <span className="line-clamp-2 break-words" title={job.reason ?? ""}>
                      {job.reason ?? "—"}
                    </span>
                  </Td>
                  <Td align="right">
                    <RetryOne queue={job.queue} jobId={job.id} disabled={busy} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          {pages.hasNextPage ? (
            <div className="border-t border-slate-200 px-5 py-3 dark:border-slate-800">
              <Button variant="secondary" size="sm" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
                Show {PAGE_SIZE} more
              </Button>
            </div>
          ) : null}
        </Card>
      ) : null}

      <BulkConfirmDialog request={request} onClose={() => setRequest(null)} onStarted={(started) => setActionId(started.id)} />
    </div>
  );
}

/** Retry of one job through the existing single-job endpoint (no dialog: it touches one job). */
function RetryOne({ queue, jobId, disabled }: { queue: string; jobId: string; disabled: boolean }) {
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => jobActions.retry(queue, jobId),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.failed.all }),
  });
  if (retry.isSuccess) {
    return (
      <span role="status" className="text-xs font-medium text-emerald-700 dark:text-emerald-400">
        Retried
      </span>
    );
  }
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="ghost" size="sm" loading={retry.isPending} disabled={disabled} aria-label={`Retry job ${jobId}`} onClick={() => retry.mutate()}>
        Retry
      </Button>
      {retry.isError ? (
        <span role="alert" className="max-w-[12rem] text-xs text-red-700 dark:text-red-400">
          {errorMessage(retry.error)}
        </span>
      ) : null}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 text-slate-900 dark:text-slate-100">{value}</dd>
    </div>
  );
}
