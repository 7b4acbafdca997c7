import type { QueueOverview } from "../api/types";
import { formatDuration, formatInteger } from "../format";
import { Badge, type BadgeTone } from "../ui/badge";
import { cx } from "../ui/cx";

// `waiting` already includes the jobs waiting in priority order (every job has a priority).
const COUNTS = [
  { key: "waiting", label: "Waiting" },
  { key: "active", label: "Active" },
  { key: "total", label: "Total" },
  { key: "delayed", label: "Delayed" },
  { key: "completed", label: "Completed" },
  { key: "failed", label: "Failed" },
] as const;

/** One queue's counts and settings; "no worker" flags jobs that nothing will pick up. */
export function QueueCard({ queue }: { queue: QueueOverview }) {
  const headingId = `queue-${queue.key}-title`;
  const noWorker = queue.waiting > 0 && queue.workers === 0;
  const status: { label: string; tone: BadgeTone } =
    queue.workers === 0 ? { label: "Offline", tone: "neutral" } : queue.active > 0 ? { label: "Processing", tone: "info" } : { label: "Ready", tone: "success" };
  return (
    <section
      aria-labelledby={headingId}
      data-testid={`queue-${queue.key}`}
      className="flex flex-col rounded-xl bg-white shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
    >
      <div className="flex items-start justify-between gap-3 px-5 pt-4">
        <div className="min-w-0">
          <h2 id={headingId} className="text-base font-semibold text-slate-900 dark:text-white">
            {queue.label}
          </h2>
          <p className="font-mono text-xs text-slate-600 dark:text-slate-400">{queue.queueName}</p>
        </div>
        <div className="flex flex-wrap justify-end gap-1.5">
          {queue.isPaused ? <Badge tone="warning">Paused</Badge> : null}
          {noWorker ? <Badge tone="danger">No worker</Badge> : null}
          {!queue.isPaused && !noWorker ? <Badge tone={status.tone}>{status.label}</Badge> : null}
        </div>
      </div>
      <p className="mt-1 line-clamp-2 flex-1 px-5 text-sm text-slate-600 dark:text-slate-400">{queue.description}</p>
      <dl className="mt-4 grid grid-cols-3 gap-px overflow-hidden border-y border-slate-200 bg-slate-200 dark:border-slate-800 dark:bg-slate-800">
        {COUNTS.map((count) => {
          const value = queue[count.key];
          return (
            <div key={count.key} className="bg-white px-4 py-2.5 dark:bg-slate-900">
              <dt className="text-xs text-slate-600 dark:text-slate-400">{count.label}</dt>
              <dd
                data-testid={`count-${count.key}`}
                className={cx(
                  "text-lg font-semibold tabular-nums",
                  count.key === "failed" && value > 0
                    ? "text-red-700 dark:text-red-400"
                    : count.key === "active" && value > 0
                      ? "text-sky-700 dark:text-sky-400"
                      : value > 0
                        ? "text-slate-900 dark:text-white"
                        : "text-slate-500 dark:text-slate-500",
                )}
              >
                {formatInteger(value)}
              </dd>
            </div>
          );
        })}
      </dl>
      <p className="flex flex-wrap gap-x-3 gap-y-1 px-5 py-3 text-xs text-slate-600 dark:text-slate-400">
        <span className={cx(noWorker && "font-semibold text-red-700 dark:text-red-400")}>
          {queue.workers} worker{queue.workers === 1 ? "" : "s"}
        </span>
        <span aria-hidden>·</span>
        <span>concurrency {queue.concurrency}</span>
        <span aria-hidden>·</span>
        <span>timeout {formatDuration(queue.timeoutMs)}</span>
        {queue.rateLimit ? (
          <>
            <span aria-hidden>·</span>
            <span>
              max {queue.rateLimit.max} per {formatDuration(queue.rateLimit.durationMs)}
            </span>
          </>
        ) : null}
      </p>
    </section>
  );
}
