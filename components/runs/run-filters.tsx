"use client";

import { QUEUE_KEYS, queueDefinition } from "@/lib/jobs/catalog";
import type { QueueKey, RunStateFilter } from "../api/types";
import { inputClass, Label } from "../ui/field";
import { cx } from "../ui/cx";

export const STATE_OPTIONS: readonly { value: RunStateFilter; label: string }[] = [
  { value: "waiting", label: "Queued" },
  { value: "active", label: "Running" },
  { value: "delayed", label: "Delayed / retrying" },
  { value: "completed", label: "Completed" },
  { value: "failed", label: "Failed" },
  { value: "cancelled", label: "Cancelled" },
];

export interface RunFilterValues {
  queue: QueueKey | "";
  state: RunStateFilter | "";
}

/** Queue and state pickers; the page keeps their values in the URL. */
export function RunFilters({ value, onChange }: { value: RunFilterValues; onChange(next: RunFilterValues): void }) {
  const selectClass = cx(inputClass, "pr-8");
  return (
    <form className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
      <div className="w-full sm:w-56">
        <Label htmlFor="runs-queue">Queue</Label>
        <select
          id="runs-queue"
          className={cx(selectClass, "mt-1")}
          value={value.queue}
          onChange={(event) => onChange({ ...value, queue: event.target.value as QueueKey | "" })}
        >
          <option value="">All queues</option>
          {QUEUE_KEYS.map((key) => (
            <option key={key} value={key}>
              {queueDefinition(key).label}
            </option>
          ))}
        </select>
      </div>
      <div className="w-full sm:w-48">
        <Label htmlFor="runs-state">State</Label>
        <select
          id="runs-state"
          className={cx(selectClass, "mt-1")}
          value={value.state}
          onChange={(event) => onChange({ ...value, state: event.target.value as RunStateFilter | "" })}
        >
          <option value="">All states</option>
          {STATE_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
