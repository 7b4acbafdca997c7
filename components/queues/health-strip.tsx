"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getHealth } from "../api/api-client";
import type { SystemHealth } from "../api/types";
import { formatDecimal } from "../format";
import { cx } from "../ui/cx";

const OVERALL = {
  ok: { label: "All systems operational", dot: "bg-emerald-500", text: "text-emerald-800 dark:text-emerald-300" },
  degraded: { label: "Degraded", dot: "bg-amber-500", text: "text-amber-900 dark:text-amber-300" },
  down: { label: "Down", dot: "bg-red-500", text: "text-red-800 dark:text-red-300" },
} as const;

/** Redis, PostgreSQL and worker liveness in one line, so an empty queue is not mistaken for a dead one. */
export function HealthStrip() {
  const health = useQuery({
    queryKey: queryKeys.health(),
    queryFn: ({ signal }) => getHealth<SystemHealth>({ signal }),
    refetchInterval: 5_000,
    retry: false,
  });

  if (health.isPending) {
    return <div className="h-14 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy aria-label="Checking system health" />;
  }
  if (health.isError && !health.data) {
    return (
      <div role="alert" className="rounded-xl border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200">
        Health check unavailable: {errorMessage(health.error)}
      </div>
    );
  }
  const data = health.data!;
  const overall = OVERALL[data.status];
  return (
    <section
      aria-label="System health"
      data-testid="health-strip"
      className="flex flex-wrap items-center gap-x-6 gap-y-2 rounded-xl bg-white px-5 py-3 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
    >
      <p className={cx("flex items-center gap-2 text-sm font-semibold", overall.text)} role="status">
        <span aria-hidden className={cx("size-2.5 rounded-full", overall.dot)} />
        {overall.label}
      </p>
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm sm:ml-auto">
        <Check label="Redis" healthy={data.redis.healthy}>
          {data.redis.healthy && data.redis.latency !== null ? `${formatDecimal(data.redis.latency)} ms · ${data.redis.status}` : "unreachable"}
        </Check>
        <Check label="Database" healthy={data.database.healthy}>
          {data.database.healthy && data.database.latency !== null ? `${formatDecimal(data.database.latency)} ms` : "unreachable"}
        </Check>
        <Check label="Workers" healthy={data.workers.healthy}>
          {data.workers.processes === 0 ? "none running" : `${data.workers.processes} process${data.workers.processes === 1 ? "" : "es"}`}
        </Check>
      </div>
    </section>
  );
}

function Check({ label, healthy, children }: { label: string; healthy: boolean; children: ReactNode }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <svg className={cx("size-4", healthy ? "text-emerald-600 dark:text-emerald-400" : "text-red-600 dark:text-red-400")} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
        {healthy ? <path d="m5 12 5 5 9-10" /> : <path d="M6 6l12 12M18 6 6 18" />}
      </svg>
      <span className="font-medium text-slate-900 dark:text-slate-100">{label}</span>
      <span className="text-slate-600 dark:text-slate-400">
        <span className="sr-only">{healthy ? "healthy" : "unhealthy"}, </span>
        {children}
      </span>
    </span>
  );
}
