"use client";

import Link from "next/link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { queueHref } from "@/lib/alerts/alert-links";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { AlertsView, FiringAlertView } from "../api/types";
import { formatDateTime, formatRelative } from "../format";
import { Badge } from "../ui/badge";
import { cx } from "../ui/cx";

/**
 * The state changes at most once per evaluation (a minute by default); reading it is one small
 * Redis hash, so a short poll keeps the strip as live as the counts around it at no real cost.
 */
const REFRESH_MS = 5_000;
/** Evaluations this many intervals late mean no worker process runs them. */
const STALE_AFTER_INTERVALS = 3;

export function useFiringAlerts() {
  return useQuery({
    queryKey: queryKeys.alerts.firing(),
    queryFn: ({ signal }) => getJson<AlertsView>("/api/v1/alerts", { signal }),
    refetchInterval: REFRESH_MS,
    retry: false,
  });
}

/**
 * Queue alerts firing now, at the top of the admin overview: what, which queue (linked), since
 * when, with the figures. When the set changes the bell is refreshed too, since alert
 * notifications do not travel on the job-event stream.
 */
export function AlertStrip({ now }: { now: number }) {
  const alerts = useFiringAlerts();
  const queryClient = useQueryClient();
  const data = alerts.data;

  const signature = data ? data.alerts.map((alert) => `${alert.id}@${alert.since}`).join(",") : null;
  const previous = useRef<string | null>(null);
  useEffect(() => {
    if (signature === null) return;
    if (previous.current !== null && previous.current !== signature) void queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all });
    previous.current = signature;
  }, [signature, queryClient]);

  if (alerts.isPending) {
    return <div className="h-12 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy aria-label="Loading queue alerts" />;
  }
  if (alerts.isError && !data) {
    return (
      <p role="alert" className="rounded-xl border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200" data-testid="alert-strip">
        Queue alerts unavailable: {errorMessage(alerts.error)}
      </p>
    );
  }

  const view = data!;
  const evaluatedAt = view.evaluatedAt ? Date.parse(view.evaluatedAt) : null;
  const stale = evaluatedAt === null || now - evaluatedAt > STALE_AFTER_INTERVALS * view.evaluateEveryMs;
  const checked = view.evaluatedAt ? (
    <time dateTime={view.evaluatedAt} title={formatDateTime(view.evaluatedAt)}>
      checked {formatRelative(view.evaluatedAt, now)}
    </time>
  ) : null;

  if (view.alerts.length === 0) {
    return (
      <section aria-label="Queue alerts" data-testid="alert-strip" className="rounded-xl bg-white px-5 py-3 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
        {stale ? (
          <p className="flex items-center gap-2 text-sm text-amber-900 dark:text-amber-300">
            <span aria-hidden className="size-2.5 shrink-0 rounded-full bg-amber-500" />
            <span>
              <span className="font-semibold">Alerts are not being checked.</span>{" "}
              {view.evaluatedAt ? <>The last check ran {formatRelative(view.evaluatedAt, now)}; </> : "No check has run yet; "}
              a worker process runs them (every {Math.round(view.evaluateEveryMs / 1000)} s), so none may be running.
            </span>
          </p>
        ) : (
          <p className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
            <span aria-hidden className="size-2.5 shrink-0 rounded-full bg-emerald-500" />
            <span className="font-medium text-slate-900 dark:text-slate-100">No queue alerts</span>
            <span className="text-slate-600 dark:text-slate-400">· {checked}</span>
          </p>
        )}
      </section>
    );
  }

  return (
    <section
      aria-labelledby="alert-strip-heading"
      data-testid="alert-strip"
      className="rounded-xl border border-red-300 bg-red-50 shadow-sm dark:border-red-900 dark:bg-red-950/40"
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-red-200 px-5 py-2.5 dark:border-red-900/70">
        <h2 id="alert-strip-heading" className="flex items-center gap-2 text-sm font-semibold text-red-900 dark:text-red-200">
          <AlertIcon />
          {view.alerts.length === 1 ? "1 queue alert" : `${view.alerts.length} queue alerts`}
        </h2>
        <p className="text-xs text-red-900/80 dark:text-red-200/80">
          {checked}
          {stale ? " · checks are late: is a worker running?" : null}
        </p>
      </div>
      <ul className="divide-y divide-red-200 dark:divide-red-900/70">
        {view.alerts.map((alert) => (
          <AlertRow key={alert.id} alert={alert} now={now} />
        ))}
      </ul>
    </section>
  );
}

function AlertRow({ alert, now }: { alert: FiringAlertView; now: number }) {
  return (
    <li className="flex flex-col gap-1 px-5 py-3 sm:flex-row sm:items-start sm:gap-4" data-testid="alert-item" data-rule={alert.rule} data-queue={alert.queue}>
      <div className="shrink-0 sm:w-36">
        <Badge tone={alert.rule === "paused-too-long" ? "warning" : "danger"}>{alert.ruleLabel}</Badge>
      </div>
      <div className="min-w-0 flex-1">
        <Link
          href={queueHref(alert.queue)}
          className="text-sm font-semibold text-red-950 underline-offset-2 hover:underline focus-visible:rounded focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-red-100 dark:focus-visible:outline-indigo-400"
        >
          {alert.title}
        </Link>
        <p className="mt-0.5 text-sm break-words text-red-900/90 dark:text-red-200/90">{alert.body}</p>
      </div>
      <p className={cx("shrink-0 text-xs text-red-900/80 sm:text-right dark:text-red-200/80")}>
        firing since{" "}
        <time dateTime={alert.since} title={formatDateTime(alert.since)}>
          {formatRelative(alert.since, now)}
        </time>
      </p>
    </li>
  );
}

function AlertIcon() {
  return (
    <svg className="size-4 shrink-0" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d="M12 9v4m0 4h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" />
    </svg>
  );
}
