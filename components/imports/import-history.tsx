"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { queryKeys } from "@/lib/query-keys";
import { formatDateTime, formatInteger } from "../format";
import { useJobEvents } from "../job-events-provider";
import { JobStateBadge } from "../job-state-badge";
import { QueryError } from "../query-error";
import { Badge } from "../ui/badge";
import { EmptyState } from "../ui/empty-state";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { importApi, importReportHref, runState } from "./import-api";
import { IMPORT_ENTITY_LABELS, IMPORT_MODE_LABELS } from "./import-options";

const count = (value: number | null) => (value === null ? "—" : formatInteger(value));

/** The organisation's imports and dry runs, newest first, each with its counts and a link to its report. */
export function ImportHistory({ selectedJobId }: { selectedJobId: string | null }) {
  const queryClient = useQueryClient();
  // A run that starts, progresses or ends changes a row: its event (SSE) refreshes the list.
  useJobEvents((event) => {
    if (event.type === "import" && event.event !== "job:progress") void queryClient.invalidateQueries({ queryKey: queryKeys.imports.history() });
  });
  const history = useQuery({ queryKey: queryKeys.imports.history(), queryFn: ({ signal }) => importApi.history({ signal }) });

  if (history.isPending) return <Skeleton className="m-5 h-24" />;
  if (history.isError) {
    return (
      <div className="p-5">
        <QueryError title="Could not load the imports" query={history} />
      </div>
    );
  }
  if (history.data.imports.length === 0) {
    return (
      <EmptyState title="No imports yet" className="rounded-none border-0 py-10">
        Dry runs and imports of your organisation appear here, with their reports.
      </EmptyState>
    );
  }
  return (
    <Table caption="Imports, newest first">
      <THead>
        <Th>File</Th>
        <Th>Data</Th>
        <Th>Run</Th>
        <Th>State</Th>
        <Th align="right">Rows</Th>
        <Th align="right">Valid</Th>
        <Th align="right">Invalid</Th>
        <Th align="right">Imported</Th>
        <Th>Started (UTC)</Th>
        <Th>Report</Th>
      </THead>
      <TBody>
        {history.data.imports.map((run) => (
          <Tr key={run.jobId} className={run.jobId === selectedJobId ? "bg-indigo-50/60 dark:bg-indigo-950/40" : undefined} aria-current={run.jobId === selectedJobId ? "true" : undefined}>
            <Td rowHeader className="max-w-64 font-medium break-all text-slate-900 dark:text-slate-100">
              {run.fileName ?? "—"}
            </Td>
            <Td className="whitespace-nowrap">{IMPORT_ENTITY_LABELS[run.entityType] ?? run.entityType}</Td>
            <Td className="whitespace-nowrap">
              {run.dryRun ? <Badge tone="accent">Dry run</Badge> : <Badge tone="info">Import</Badge>}{" "}
              <span className="text-xs text-slate-600 dark:text-slate-400">{IMPORT_MODE_LABELS[run.mode]?.label ?? run.mode}</span>
            </Td>
            <Td>
              <JobStateBadge state={runState(run.state)} />
            </Td>
            <Td numeric>{count(run.total)}</Td>
            <Td numeric>{count(run.valid)}</Td>
            <Td numeric className={run.invalid ? "font-medium text-red-700 dark:text-red-400" : undefined}>
              {count(run.invalid)}
            </Td>
            <Td numeric>{count(run.imported)}</Td>
            <Td className="whitespace-nowrap">{formatDateTime(run.createdAt)}</Td>
            <Td className="whitespace-nowrap">
              <Link href={importReportHref(run.jobId)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400" aria-label={`Report of ${run.fileName ?? run.jobId}`}>
                Report
              </Link>
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
