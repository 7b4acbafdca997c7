"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError } from "../api/api-client";
import { isTerminal } from "../api/types";
import { formatDateTime } from "../format";
import { JobStateBadge } from "../job-state-badge";
import { QueryError } from "../query-error";
import { Alert } from "../ui/alert";
import { Card, CardBody } from "../ui/card";
import { Skeleton } from "../ui/skeleton";
import { importApi, runState, type ImportEntityType, type ImportMode } from "./import-api";
import { describeImport } from "./import-options";
import { ImportReportView } from "./import-report";

const linkClass = "font-medium text-indigo-700 hover:underline dark:text-indigo-400";

/** One import of the organisation, read by its job id: what ran, its state, and its report once it has one. */
export function ImportDetail({ jobId }: { jobId: string }) {
  const detail = useQuery({
    queryKey: queryKeys.imports.detail(jobId),
    queryFn: ({ signal }) => importApi.detail(jobId, { signal }),
    // A run still going gains its report when it ends; a finished one never changes.
    refetchInterval: (query) => (query.state.data && !isTerminal(runState(query.state.data.state)) ? 3_000 : false),
  });

  if (detail.isError) {
    if (detail.error instanceof ApiRequestError && detail.error.status === 404) {
      return (
        <Alert tone="warning" title="Import not found">
          No import of your organisation has this id. <Link href="/imports" className={linkClass}>See the imports</Link>.
        </Alert>
      );
    }
    return <QueryError title="Could not load the import" query={detail} />;
  }
  if (!detail.data) {
    return (
      <Card aria-busy aria-label="Loading the import">
        <CardBody className="space-y-3">
          <Skeleton className="h-5 w-64" />
          <Skeleton className="h-40 w-full" />
        </CardBody>
      </Card>
    );
  }

  const run = detail.data;
  const report = run.report;
  const state = runState(run.state);
  // Only a dry run or an all-or-nothing import is sure to have left the data as it was.
  const untouched = run.dryRun || run.mode === "all-or-nothing" ? " Nothing was written." : "";
  return (
    <div className="space-y-6">
      <Card aria-labelledby="import-run-title">
        <CardBody className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h2 id="import-run-title" className="text-base font-semibold break-all text-slate-900 dark:text-white">
              {run.fileName ?? "Import"}
            </h2>
            <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
              {[...describeImport({ entityType: run.entityType as ImportEntityType, dryRun: run.dryRun, mode: run.mode as ImportMode }), `started ${formatDateTime(run.createdAt)}`, run.finishedAt ? `finished ${formatDateTime(run.finishedAt)}` : null].filter(Boolean).join(" · ")}
            </p>
          </div>
          <div className="flex items-center gap-3">
            <JobStateBadge state={state} />
            <Link href={`/imports?job=${encodeURIComponent(jobId)}`} className={`${linkClass} text-sm`}>
              View the run
            </Link>
          </div>
        </CardBody>
      </Card>
      {report ? (
        <ImportReportView report={report} dryRun={run.dryRun} mode={run.mode as ImportMode} errorsUrl={report.errorsUrl} />
      ) : state === "failed" || state === "lost" ? (
        <Alert tone="error" title="The import failed before it could report">
          {run.failedReason ?? "No reason was recorded."}
          {untouched}
        </Alert>
      ) : state === "cancelled" ? (
        <Alert tone="info" title="The import was cancelled">
          It was stopped before it finished.{untouched}
        </Alert>
      ) : (
        <Alert tone="info" title="Still running">The report appears here when the run ends.</Alert>
      )}
    </div>
  );
}
