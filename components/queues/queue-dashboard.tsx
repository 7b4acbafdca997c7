"use client";

import { useEffect, useState } from "react";
import { AlertStrip } from "../alerts/alert-strip";
import { ApiRequestError, errorMessage } from "../api/api-client";
import type { QueueOverview } from "../api/types";
import { formatInteger } from "../format";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Skeleton } from "../ui/skeleton";
import { HealthStrip } from "./health-strip";
import { QueueCard } from "./queue-card";
import { QueueCharts } from "./queue-charts";
import { useQueueOverview } from "./queue-controls";
import { RedisPanel } from "./redis-panel";
import { WorkersPanel } from "./workers-panel";

const perMinute = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/**
 * The admin overview: the seven queues (refreshed every 2 s and on every job event, through the
 * shared query the job-events provider invalidates), overall charts, workers and Redis.
 */
export function QueueDashboard() {
  const queues = useQueueOverview();
  const list = queues.data?.queues;
  const totals = list ? sumCounts(list) : null;
  // Ages tick between refreshes; one clock for all cards keeps them consistent.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  return (
    <div className="space-y-6">
      <HealthStrip />
      <AlertStrip now={now} />

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
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Totals across all queues">
          <Total label="Waiting" value={formatInteger(totals.waiting)} />
          <Total label="Active" value={formatInteger(totals.active)} />
          <Total label="Delayed" value={formatInteger(totals.delayed)} />
          <Total label="Failed" value={formatInteger(totals.failed)} tone={totals.failed > 0 ? "danger" : undefined} />
          <Total label="In / min" value={perMinute.format(totals.inPerMinute)} />
          <Total label="Out / min" value={perMinute.format(totals.outPerMinute)} />
        </dl>
      ) : null}

      {list ? (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="queue-grid">
          {list.map((queue) => (
            <QueueCard key={queue.key} queue={queue} now={now} />
          ))}
        </div>
      ) : queues.isPending ? (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3" aria-busy aria-label="Loading queues">
          {Array.from({ length: 6 }, (_, index) => (
            <Skeleton key={index} className="h-52 w-full rounded-xl" />
          ))}
        </div>
      ) : null}

      <QueueCharts queueKey="all" title="All queues: throughput and latency" />

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-[2fr_1fr]">
        <WorkersPanel queues={list} />
        <RedisPanel />
      </div>
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
      inPerMinute: sum.inPerMinute + queue.inPerMinute,
      outPerMinute: sum.outPerMinute + queue.outPerMinute,
    }),
    { waiting: 0, active: 0, delayed: 0, failed: 0, inPerMinute: 0, outPerMinute: 0 },
  );
}

function Total({ label, value, tone }: { label: string; value: string; tone?: "danger" }) {
  return (
    <div className="rounded-xl bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">{label}</dt>
      <dd className={`mt-1 text-2xl font-semibold tabular-nums ${tone === "danger" ? "text-red-700 dark:text-red-400" : "text-slate-900 dark:text-white"}`}>{value}</dd>
    </div>
  );
}
