"use client";

import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { QueueOverview, WorkerHeartbeat } from "../api/types";
import { formatInteger } from "../format";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Card, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { formatSpan } from "./queue-card";

type WorkerStatus = WorkerHeartbeat & { uptimeSeconds: number; heartbeatAgeMs: number };

/** Every live worker process, and the queues with waiting jobs that none of them serves. */
export function WorkersPanel({ queues }: { queues: QueueOverview[] | undefined }) {
  const workers = useQuery({
    queryKey: queryKeys.workers(),
    queryFn: ({ signal }) => getJson<{ workers: WorkerStatus[] }>("/api/v1/workers/status", { signal }),
    refetchInterval: 3_000,
    retry: false,
  });
  const unserved = (queues ?? []).filter((queue) => queue.waiting > 0 && queue.workers === 0);
  const list = workers.data?.workers;

  return (
    <Card aria-labelledby="workers-title" data-testid="workers-panel">
      <CardHeader titleId="workers-title" title="Workers" description="Live worker processes, from their Redis heartbeats." />
      <div className="space-y-3 px-5 py-4">
        {unserved.length > 0 ? (
          <Alert tone="warning" title="Jobs waiting with no worker">
            {unserved.map((queue) => `${queue.label} (${formatInteger(queue.waiting)} waiting)`).join(", ")}: no live process serves{" "}
            {unserved.length === 1 ? "this queue" : "these queues"}.
          </Alert>
        ) : null}
        {workers.isError && !list ? <Alert tone="error">Workers unavailable: {errorMessage(workers.error)}</Alert> : null}
        {list && list.length === 0 ? <EmptyState title="No worker process is running">Start one with npm run worker.</EmptyState> : null}
        {list && list.length > 0 ? (
          <div className="-mx-5 overflow-x-auto">
            <table className="w-full min-w-[40rem] text-left text-sm">
              <caption className="sr-only">Live worker processes</caption>
              <thead className="text-xs text-slate-600 dark:text-slate-400">
                <tr>
                  <th scope="col" className="px-5 py-2 font-medium">Process</th>
                  <th scope="col" className="px-2 py-2 font-medium">Queues (concurrency)</th>
                  <th scope="col" className="px-2 py-2 text-right font-medium">Up</th>
                  <th scope="col" className="px-2 py-2 text-right font-medium">Heartbeat</th>
                  <th scope="col" className="px-2 py-2 text-right font-medium">Done</th>
                  <th scope="col" className="px-5 py-2 text-right font-medium">Failed</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {list.map((worker) => (
                  <tr key={worker.id} data-testid="worker-row">
                    <td className="px-5 py-2 align-top">
                      <p className="font-medium text-slate-900 dark:text-slate-100">{worker.host}</p>
                      <p className="text-xs text-slate-600 dark:text-slate-400">
                        pid {worker.pid}
                        {worker.status !== "running" ? (
                          <Badge tone="warning" className="ml-2">
                            {worker.status}
                          </Badge>
                        ) : null}
                      </p>
                    </td>
                    <td className="px-2 py-2 align-top text-slate-700 dark:text-slate-300">
                      {worker.queues.map((queue) => `${queue} (${worker.concurrency[queue] ?? "?"})`).join(", ")}
                      {worker.activeJobs > 0 ? <span className="block text-xs text-sky-700 dark:text-sky-400">{worker.activeJobs} running</span> : null}
                    </td>
                    <td className="px-2 py-2 text-right align-top tabular-nums text-slate-700 dark:text-slate-300">{formatSpan(worker.uptimeSeconds * 1000)}</td>
                    <td className="px-2 py-2 text-right align-top tabular-nums text-slate-700 dark:text-slate-300">{formatSpan(worker.heartbeatAgeMs)} ago</td>
                    <td className="px-2 py-2 text-right align-top tabular-nums text-slate-900 dark:text-slate-100">{formatInteger(worker.jobsProcessed)}</td>
                    <td className="px-5 py-2 text-right align-top tabular-nums text-slate-900 dark:text-slate-100">{formatInteger(worker.jobsFailed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {!list && workers.isPending ? <div className="h-20 animate-pulse rounded-md bg-slate-200 dark:bg-slate-800" aria-busy aria-label="Loading workers" /> : null}
      </div>
    </Card>
  );
}
