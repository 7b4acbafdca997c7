"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import type { BatchView } from "@/lib/jobs/batches";
import { errorMessage, getJson, postJson } from "../api/api-client";
import { useJobEvents } from "../job-events-provider";
import { QueryError } from "../query-error";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { ProgressBar } from "../ui/progress-bar";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";

const COUNT_LABELS: { key: keyof BatchView["counts"]; label: string }[] = [
  { key: "waiting", label: "Waiting" },
  { key: "active", label: "Running" },
  { key: "completed", label: "Completed" },
  { key: "failed", label: "Failed" },
];

function figure(value: string | number | boolean | null): string {
  if (value === null) return "—";
  if (typeof value === "number") return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
  return String(value);
}

/**
 * A batch's progress (GET /api/v1/batches/:id): live counts, the queue's roll-up, the failed
 * children with their reasons and a "Retry failed" button. Children's job events (the app's SSE
 * stream) refetch it, so it moves as they finish.
 */
export function BatchProgress({ batchId, title = "Batch" }: { batchId: string; title?: string }) {
  const queryClient = useQueryClient();
  const key = queryKeys.jobs.batch(batchId);
  const batch = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => getJson<BatchView>(`/api/v1/batches/${encodeURIComponent(batchId)}?pageSize=1`, { signal }),
    // Events drive updates; a slow poll while children run is the safety net for a missed one.
    refetchInterval: (query) => (query.state.data && !query.state.data.done ? 5_000 : false),
  });
  const queue = batch.data?.queue;
  useJobEvents((event) => {
    // A child's end cancels a request already in flight: begun before the event, its answer would
    // show the child still running, with no later event to correct it. A burst of ends still
    // settles on one request, the last one's.
    if (queue && event.type === queue && event.event !== "job:progress") void queryClient.invalidateQueries({ queryKey: key });
  });
  const retry = useMutation({
    mutationFn: () => postJson<{ retried: number; notRetried: { jobId: string; code: string }[] }>(`/api/v1/batches/${encodeURIComponent(batchId)}/retry`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });

  if (batch.isPending) {
    return (
      <Card aria-label={title}>
        <CardBody>
          <Skeleton className="h-24" />
        </CardBody>
      </Card>
    );
  }
  if (batch.isError) return <QueryError title="Could not load the batch" query={batch} />;
  const view = batch.data;
  const finished = view.counts.completed + view.counts.failed;
  const percent = view.total === 0 ? 100 : (finished / view.total) * 100;
  // The figures and their names come from the queue's catalogue entry, not from this component.
  const rollup = Object.entries(view.figures).map(([name, label]) => ({ name, label, value: view.rollup[name] ?? null }));

  return (
    <Card aria-labelledby={`batch-${batchId}`} data-batch-id={batchId}>
      <CardHeader
        titleId={`batch-${batchId}`}
        title={title}
        description={view.done ? `Finished: ${finished.toLocaleString("en-US")} of ${view.total.toLocaleString("en-US")} products` : `${finished.toLocaleString("en-US")} of ${view.total.toLocaleString("en-US")} products done`}
        actions={
          view.counts.failed > 0 ? (
            <Button variant="secondary" size="sm" loading={retry.isPending} onClick={() => retry.mutate()}>
              Retry failed ({view.counts.failed})
            </Button>
          ) : null
        }
      />
      <CardBody className="space-y-5">
        <ProgressBar value={percent} label="Batch progress" tone={view.done ? (view.counts.failed > 0 ? "danger" : "success") : "active"} />
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          {COUNT_LABELS.map(({ key: state, label }) => (
            <div key={state} className="rounded-lg bg-slate-50 px-3 py-2 dark:bg-slate-800/60">
              <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
              <dd className="text-lg font-semibold tabular-nums text-slate-900 dark:text-white" data-count={state}>
                {view.counts[state].toLocaleString("en-US")}
              </dd>
            </div>
          ))}
        </dl>
        {rollup.length > 0 ? (
          <div>
            <h3 className="text-sm font-medium text-slate-900 dark:text-slate-100">Roll-up of the completed products</h3>
            <dl className="mt-2 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
              {rollup.map(({ name, label, value }) => (
                <div key={name} className="flex justify-between gap-4 border-b border-slate-100 py-1 dark:border-slate-800">
                  <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
                  <dd className="font-medium tabular-nums text-slate-900 dark:text-white" data-rollup={name}>
                    {figure(value)}
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        ) : null}
        {retry.isError ? (
          <Alert tone="error" title="Could not retry the failed products">
            {errorMessage(retry.error)}
          </Alert>
        ) : null}
        {retry.data && retry.data.notRetried.length > 0 ? (
          <Alert tone="warning" title={`${retry.data.notRetried.length} failed products could not be retried`}>
            Their jobs are no longer kept by the queue; launch them again.
          </Alert>
        ) : null}
      </CardBody>
      {view.failedChildren.length > 0 ? (
        <Table caption="Failed products" wrapperClassName="border-t border-slate-200 dark:border-slate-800">
          <THead>
            <Tr hover={false}>
              <Th>Product</Th>
              <Th>Reason</Th>
            </Tr>
          </THead>
          <TBody>
            {view.failedChildren.map((child) => (
              <Tr key={child.jobId} data-failed-child={child.productId ?? child.jobId}>
                <Td className="whitespace-nowrap font-medium">{child.sku ?? child.productId ?? child.jobId}</Td>
                <Td>{child.failedReason ?? "—"}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      ) : null}
    </Card>
  );
}
