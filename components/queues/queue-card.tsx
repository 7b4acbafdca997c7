import Link from "next/link";
import type { ReactNode } from "react";
import type { QueueOverview } from "../api/types";
import { formatDuration, formatInteger, formatPercent } from "../format";
import { Badge, type BadgeTone } from "../ui/badge";
import { cx } from "../ui/cx";
import { QueueControls } from "./queue-controls";

// `waiting` already includes the jobs waiting in priority order (every job has a priority).
const COUNTS = [
  { key: "waiting", label: "Waiting" },
  { key: "active", label: "Active" },
  { key: "total", label: "Total" },
  { key: "delayed", label: "Delayed" },
  { key: "completed", label: "Completed" },
  { key: "failed", label: "Failed" },
] as const;

const perMinute = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** A duration as people say it: "45 s", "12 min", "3 h 20 min", "2 d 4 h". */
export function formatSpan(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) {
    const hours = Math.floor(ms / 3_600_000);
    const minutes = Math.round((ms % 3_600_000) / 60_000);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.round((ms % 86_400_000) / 3_600_000);
  return hours ? `${days} d ${hours} h` : `${days} d`;
}

/** One queue's counts, throughput and limits; "no worker" flags jobs that nothing will pick up. */
export function QueueCard({ queue, now = Date.now() }: { queue: QueueOverview; now?: number }) {
  const headingId = `queue-${queue.key}-title`;
  const noWorker = queue.waiting > 0 && queue.workers === 0;
  const status: { label: string; tone: BadgeTone } =
    queue.workers === 0 ? { label: "Offline", tone: "neutral" } : queue.active > 0 ? { label: "Processing", tone: "info" } : { label: "Ready", tone: "success" };
  const oldestAge = queue.oldestWaitingAt ? now - Date.parse(queue.oldestWaitingAt) : null;
  const failureRate = queue.failureRate === null ? null : queue.failureRate * 100;
  return (
    <section
      aria-labelledby={headingId}
      data-testid={`queue-${queue.key}`}
      className="flex flex-col rounded-xl bg-white shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
    >
      <div className="flex items-start justify-between gap-3 px-5 pt-4">
        <div className="min-w-0">
          <h2 id={headingId} className="text-base font-semibold text-slate-900 dark:text-white">
            <Link
              href={`/queues/${queue.key}`}
              className="rounded-sm hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:hover:text-indigo-300"
            >
              {queue.label}
            </Link>
          </h2>
          <p className="font-mono text-xs text-slate-600 dark:text-slate-400">{queue.queueName}</p>
        </div>
        <div className="flex flex-wrap justify-end gap-1.5">
          {queue.isPaused ? <Badge tone="warning">Paused</Badge> : null}
          {noWorker ? <Badge tone="danger">No worker</Badge> : null}
          {!queue.isPaused && !noWorker ? <Badge tone={status.tone}>{status.label}</Badge> : null}
        </div>
      </div>
      <p className="mt-1 line-clamp-2 px-5 text-sm text-slate-600 dark:text-slate-400">{queue.description}</p>
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
      <dl className="grid flex-1 grid-cols-2 gap-x-4 gap-y-1.5 px-5 py-3 text-sm" data-testid="queue-rates">
        <Figure label="In / out" testId="rate-in-out">
          {perMinute.format(queue.inPerMinute)} / {perMinute.format(queue.outPerMinute)} per min
        </Figure>
        <Figure label="Failure rate (1 h)" testId="failure-rate" tone={failureRate !== null && failureRate >= 10 ? "danger" : undefined}>
          {failureRate === null ? "no jobs finished" : formatPercent(failureRate)}
        </Figure>
        <Figure label="Oldest waiting" testId="oldest-waiting" tone={oldestAge !== null && oldestAge > 15 * 60_000 ? "warning" : undefined}>
          {oldestAge === null ? "—" : formatSpan(oldestAge)}
        </Figure>
        <Figure label="Drains in" testId="drain-time" tone={queue.waiting > 0 && queue.drainMs === null ? "warning" : undefined}>
          {queue.waiting === 0 ? "no backlog" : queue.drainMs === null ? "not draining" : `≈ ${formatSpan(queue.drainMs)}`}
        </Figure>
      </dl>
      <p className="flex flex-wrap gap-x-3 gap-y-1 border-t border-slate-200 px-5 py-2.5 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
        <span className={cx(noWorker && "font-semibold text-red-700 dark:text-red-400")}>
          {queue.workers} worker{queue.workers === 1 ? "" : "s"}
        </span>
        <span aria-hidden>·</span>
        <span>
          {queue.workerConcurrency} slot{queue.workerConcurrency === 1 ? "" : "s"} ({queue.concurrency} per process)
        </span>
        <span aria-hidden>·</span>
        <span>timeout {formatDuration(queue.timeoutMs)}</span>
      </p>
      <div className="border-t border-slate-200 px-5 py-3 dark:border-slate-800">
        <QueueControls queueKey={queue.key} />
      </div>
    </section>
  );
}

function Figure({ label, testId, tone, children }: { label: string; testId: string; tone?: "danger" | "warning"; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
      <dd
        data-testid={testId}
        className={cx(
          "truncate font-medium tabular-nums",
          tone === "danger" ? "text-red-700 dark:text-red-400" : tone === "warning" ? "text-amber-800 dark:text-amber-300" : "text-slate-900 dark:text-slate-100",
        )}
      >
        {children}
      </dd>
    </div>
  );
}
