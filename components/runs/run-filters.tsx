"use client";

import { isQueueKey, QUEUE_KEYS, queueDefinition } from "@/lib/jobs/catalog";
import type { QueueKey, RunStateFilter } from "../api/types";
import { Select } from "../ui/field";
import { FilterBar, FilterField } from "../ui/filter-bar";

export const STATE_OPTIONS: readonly { value: RunStateFilter; label: string }[] = [
  { value: "waiting", label: "Queued" },
  { value: "active", label: "Running" },
  { value: "delayed", label: "Delayed / retrying" },
  { value: "completed", label: "Completed" },
  { value: "failed", label: "Failed" },
  { value: "cancelled", label: "Cancelled" },
  { value: "lost", label: "Lost" },
];

export interface RunFilterValues {
  queue: QueueKey | "";
  state: RunStateFilter | "";
}

/** The filters as the URL holds them; anything unknown counts as "all". */
export function readRunFilters(params: URLSearchParams): RunFilterValues {
  const queue = params.get("queue") ?? "";
  const state = params.get("state") ?? "";
  return {
    queue: isQueueKey(queue) ? queue : "",
    state: STATE_OPTIONS.some((option) => option.value === state) ? (state as RunStateFilter) : "",
  };
}

/** Queue and state pickers; each change applies at once. */
export function RunFilters({ value, onChange }: { value: RunFilterValues; onChange(next: RunFilterValues): void }) {
  return (
    <FilterBar label="Filter runs" className="w-full sm:w-auto" columns="sm:grid-cols-[14rem_12rem]">
      <FilterField id="runs-queue" label="Queue">
        <Select id="runs-queue" value={value.queue} onChange={(event) => onChange({ ...value, queue: event.target.value as QueueKey | "" })}>
          <option value="">All queues</option>
          {QUEUE_KEYS.map((key) => (
            <option key={key} value={key}>
              {queueDefinition(key).label}
            </option>
          ))}
        </Select>
      </FilterField>
      <FilterField id="runs-state" label="State">
        <Select id="runs-state" value={value.state} onChange={(event) => onChange({ ...value, state: event.target.value as RunStateFilter | "" })}>
          <option value="">All states</option>
          {STATE_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </Select>
      </FilterField>
    </FilterBar>
  );
}
