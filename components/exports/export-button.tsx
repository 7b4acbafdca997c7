"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson, postJson } from "../api/api-client";
import { isTerminal, type JobPayloadInput, type JobResult, type JobStatus, type LaunchResponse } from "../api/types";
import { Button } from "../ui/button";
import { Spinner } from "../ui/spinner";
import { EXPORT_FORMAT_LABELS, type ExportFormat } from "./export-options";

/**
 * "Export as CSV · Excel · PDF" beside data a user is looking at: launches the export with the
 * view's filters, follows it, and offers the file when it is written.
 */
export function ExportButtons({
  entity,
  filters,
  formats = ["csv", "xlsx", "pdf"],
  label = "Export",
}: {
  entity: JobPayloadInput<"export">["entity"];
  filters: JobPayloadInput<"export">["filters"];
  formats?: ExportFormat[];
  label?: string;
}) {
  const queryClient = useQueryClient();
  const launch = useMutation({
    mutationFn: (format: ExportFormat) => postJson<LaunchResponse>("/api/v1/exports", { entity, format, filters }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.exports.all }),
  });
  const jobId = launch.data?.jobId;
  const status = useQuery({
    queryKey: queryKeys.jobs.status("export", jobId ?? ""),
    queryFn: ({ signal }) => getJson<JobStatus>(`/api/v1/queues/export/jobs/${encodeURIComponent(jobId!)}`, { signal }),
    enabled: jobId !== undefined,
    refetchInterval: (query) => (isTerminal(query.state.data?.state) ? false : 1_000),
  });
  const state = status.data?.state;
  const result = state === "completed" ? (status.data?.result as JobResult<"export">) : null;

  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label={label}>
      <span className="text-sm text-slate-600 dark:text-slate-400">{label}:</span>
      {formats.map((format) => (
        <Button key={format} variant="secondary" size="sm" disabled={launch.isPending || (jobId !== undefined && !isTerminal(state))} onClick={() => launch.mutate(format)}>
          {EXPORT_FORMAT_LABELS[format]}
        </Button>
      ))}
      <span aria-live="polite" className="text-sm">
        {launch.isError ? <span className="text-red-700 dark:text-red-400">{errorMessage(launch.error)}</span> : null}
        {jobId && !isTerminal(state) ? (
          <span className="inline-flex items-center gap-1.5 text-slate-600 dark:text-slate-400">
            <Spinner className="size-4" /> Preparing the file…
          </span>
        ) : null}
        {result ? (
          <a href={result.downloadUrl} download={result.fileName} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
            Download {result.fileName}
          </a>
        ) : null}
        {state === "failed" ? <span className="text-red-700 dark:text-red-400">The export failed: {status.data?.failedReason ?? "no reason given"}</span> : null}
      </span>
    </div>
  );
}
