"use client";

import Link from "next/link";
import { formatDateTime, formatDuration, formatInteger } from "../format";
import { Badge, type BadgeTone } from "../ui/badge";
import { ProgressBar } from "../ui/progress-bar";
import { groupHref, isRunning, type BulkAction } from "./failed-api";

const STATUS: Record<BulkAction["status"], { label: string; tone: BadgeTone }> = {
  queued: { label: "Queued", tone: "neutral" },
  running: { label: "Running", tone: "info" },
  completed: { label: "Done", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
};

export function describeAction(action: Pick<BulkAction, "action" | "target" | "total">): string {
  const verb = action.action === "retry" ? "Retry" : "Remove";
  const what = "fingerprint" in action.target ? "failure group" : "selected jobs";
  return `${verb} ${formatInteger(action.total)} ${action.total === 1 ? "job" : "jobs"} (${what})`;
}

/**
 * A bulk action's progress: bar, counts and status, announced politely to screen readers as it
 * moves. The counts come from the worker's saved progress, so every admin sees the same figures.
 */
export function BulkProgress({ action, compact = false, linkToGroup = false }: { action: BulkAction; compact?: boolean; linkToGroup?: boolean }) {
  const status = STATUS[action.status];
  const processed = action.done + action.skipped + action.failed;
  const tone = action.status === "failed" || action.failed > 0 ? "danger" : action.status === "completed" ? "success" : "active";
  const elapsed = action.startedAt ? new Date(action.finishedAt ?? Date.now()).getTime() - new Date(action.startedAt).getTime() : null;
  return (
    <div data-testid="bulk-progress" data-status={action.status} className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <p className="font-medium text-slate-900 dark:text-slate-100">
          {describeAction(action)}
          {action.queue ? <span className="font-normal text-slate-600 dark:text-slate-400"> · {action.queue}</span> : null}
        </p>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      <ProgressBar value={action.percent} tone={tone} label={`${describeAction(action)}: progress`} />
      <p className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite" aria-atomic="true" data-testid="bulk-counts">
        {formatInteger(processed)} of {formatInteger(action.total)} processed ({action.percent} %) · {formatInteger(action.done)} {action.action === "retry" ? "retried" : "removed"}
        {action.skipped > 0 ? ` · ${formatInteger(action.skipped)} skipped (no longer failed in the queue)` : ""}
        {action.failed > 0 ? ` · ${formatInteger(action.failed)} refused by Redis` : ""}
        {isRunning(action) ? "" : elapsed !== null ? ` · took ${formatDuration(elapsed)}` : ""}
      </p>
      {!compact ? (
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Started by {action.actor?.name ?? "a deleted user"} · {formatDateTime(action.createdAt)}
          {action.finishedAt ? ` · finished ${formatDateTime(action.finishedAt)}` : ""}
          {linkToGroup && "fingerprint" in action.target ? (
            <>
              {" · "}
              <Link href={groupHref(action.target.fingerprint)} className="font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300">
                Open the group
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
      {action.error ? <p className="text-xs text-red-700 dark:text-red-400">{action.error}</p> : null}
    </div>
  );
}
