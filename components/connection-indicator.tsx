"use client";

import { useJobEventsStatus } from "./job-events-provider";
import { cx } from "./ui/cx";

const LABELS = { open: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…" } as const;

/** Tells the user whether what they see is live, so a stalled progress bar is not a mystery. */
export function ConnectionIndicator() {
  const status = useJobEventsStatus();
  return (
    <span
      className="hidden items-center gap-1.5 text-xs font-medium text-slate-600 md:inline-flex dark:text-slate-400"
      title={status === "open" ? "Receiving live job updates" : "Live updates are not connected; data refreshes periodically"}
    >
      <span
        aria-hidden
        className={cx(
          "size-2 rounded-full",
          status === "open" ? "bg-emerald-500" : status === "reconnecting" ? "animate-pulse bg-amber-500" : "animate-pulse bg-slate-400",
        )}
      />
      <span role="status">{LABELS[status]}</span>
    </span>
  );
}
