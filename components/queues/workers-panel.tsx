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
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
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
          <Table wrapperClassName="-mx-5" className="min-w-[40rem]" caption="Live worker processes">
            <THead>
              <Th>Process</Th>
              <Th>Queues (concurrency)</Th>
              <Th align="right">Up</Th>
              <Th align="right">Heartbeat</Th>
              <Th align="right">Done</Th>
              <Th align="right">Failed</Th>
            </THead>
            <TBody>
              {list.map((worker) => (
                <Tr key={worker.id} data-testid="worker-row" hover={false}>
                  <Td>
                    <p className="font-medium text-slate-900 dark:text-slate-100">{worker.host}</p>
                    <p className="text-xs text-slate-600 dark:text-slate-400">
                      pid {worker.pid}
                      {worker.status !== "running" ? (
                        <Badge tone="warning" className="ml-2">
                          {worker.status}
                        </Badge>
                      ) : null}
                    </p>
                  </Td>
                  <Td>
                    {worker.queues.map((queue) => `${queue} (${worker.concurrency[queue] ?? "?"})`).join(", ")}
                    {worker.activeJobs > 0 ? <span className="block text-xs text-sky-700 dark:text-sky-400">{worker.activeJobs} running</span> : null}
                  </Td>
                  <Td numeric>{formatSpan(worker.uptimeSeconds * 1000)}</Td>
                  <Td numeric>{formatSpan(worker.heartbeatAgeMs)} ago</Td>
                  <Td numeric className="text-slate-900 dark:text-slate-100">
                    {formatInteger(worker.jobsProcessed)}
                  </Td>
                  <Td numeric className="text-slate-900 dark:text-slate-100">
                    {formatInteger(worker.jobsFailed)}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
        {!list && workers.isPending ? <div className="h-20 animate-pulse rounded-md bg-slate-200 dark:bg-slate-800" aria-busy aria-label="Loading workers" /> : null}
      </div>
    </Card>
  );
}
