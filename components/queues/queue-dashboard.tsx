"use client";

import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError, errorMessage, getJson } from "../api/api-client";
import type { QueueOverview } from "../api/types";
import { formatInteger } from "../format";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Skeleton } from "../ui/skeleton";
import { HealthStrip } from "./health-strip";
import { QueueCard } from "./queue-card";

const REFRESH_MS = 2_000;

/** The seven queues, refreshed every 2 s and on every job event. */
export function QueueDashboard() {
  const queues = useQuery({
    queryKey: queryKeys.queues.overview(),
    queryFn: ({ signal }) => getJson<{ queues: QueueOverview[] }>("/api/v1/queues", { signal }),
    refetchInterval: REFRESH_MS,
    // Counts are only worth showing while fresh; keep polling in a background tab for a wall display.
    refetchIntervalInBackground: true,
    staleTime: 0,
    retry: false,
  });

  const list = queues.data?.queues;
  const totals = list ? sumCounts(list) : null;

  return (
    <div className="space-y-6">
      <HealthStrip />

      {queues.isError ? (
        <Alert
          tone={queues.error instanceof ApiRequestError && queues.error.isUnavailable ? "warning" : "error"}
          title={list ? "Queue counts are not updating" : "Could not load the queues"}
          actions={
            <Button variant="secondary" size="sm" onClick={() => void queues.refetch()}>
              Retry now
            </Button>
          }
        >
          {errorMessage(queues.error)}
          {list ? " The counts below are the last ones received." : " Retrying every few seconds."}
        </Alert>
      ) : null}

      {totals ? (
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Totals across all queues">
          <Total label="Waiting" value={totals.waiting} />
          <Total label="Active" value={totals.active} />
          <Total label="Delayed" value={totals.delayed} />
          <Total label="Failed" value={totals.failed} tone={totals.failed > 0 ? "danger" : undefined} />
        </dl>
      ) : null}

      {list ? (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="queue-grid">
          {list.map((queue) => (
            <QueueCard key={queue.key} queue={queue} />
          ))}
        </div>
      ) : queues.isPending ? (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3" aria-busy aria-label="Loading queues">
          {Array.from({ length: 6 }, (_, index) => (
            <Skeleton key={index} className="h-52 w-full rounded-xl" />
          ))}
        </div>
      ) : null}
    </div>
  );
}

function sumCounts(list: QueueOverview[]) {
  return list.reduce(
    (sum, queue) => ({
      waiting: sum.waiting + queue.waiting,
      active: sum.active + queue.active,
      delayed: sum.delayed + queue.delayed,
      failed: sum.failed + queue.failed,
    }),
    { waiting: 0, active: 0, delayed: 0, failed: 0 },
  );
}

function Total({ label, value, tone }: { label: string; value: number; tone?: "danger" }) {
  return (
    <div className="rounded-xl bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">{label}</dt>
      <dd className={`mt-1 text-2xl font-semibold tabular-nums ${tone === "danger" ? "text-red-700 dark:text-red-400" : "text-slate-900 dark:text-white"}`}>
        {formatInteger(value)}
      </dd>
    </div>
  );
}
