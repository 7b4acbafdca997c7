"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { ANALYTICS_TYPES } from "@/lib/jobs/catalog";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError, errorMessage, postJson } from "../api/api-client";
import type { AnalyticsType, JobPayloadInput, LaunchResponse } from "../api/types";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { HelpText, Label, Select, TextInput } from "../ui/field";
import { REPORT_LABELS } from "./report-types";

const DAY_MS = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/** The last 365 days up to yesterday (UTC): the demo data ends yesterday. */
function defaultPeriod() {
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  return { startDate: isoDay(today - 365 * DAY_MS), endDate: isoDay(today - DAY_MS) };
}

type FieldErrors = Partial<Record<"type" | "startDate" | "endDate", string>>;

function fieldErrorsFrom(error: unknown): FieldErrors {
  if (!(error instanceof ApiRequestError)) return {};
  const errors: FieldErrors = {};
  for (const detail of error.details) {
    const field = detail.path.replace(/^body\.data\./, "").replace(/^params\./, "");
    if (field === "type" || field === "startDate" || field === "endDate") errors[field] ??= detail.message;
  }
  return errors;
}

/** Launches an analytics report over a period through the queue's generic endpoint. */
export function AnalyticsForm({ onLaunched }: { onLaunched(jobId: string): void }) {
  const ids = { type: useId(), start: useId(), end: useId() };
  const queryClient = useQueryClient();
  const [type, setType] = useState<AnalyticsType>("inventory-turnover");
  const [period, setPeriod] = useState(defaultPeriod);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});

  const launch = useMutation({
    mutationFn: (data: JobPayloadInput<"analytics">) => postJson<LaunchResponse>("/api/v1/queues/analytics/jobs", { name: `analytics:${data.type}`, data }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
      onLaunched(result.jobId);
    },
  });
  const errors: FieldErrors = { ...fieldErrorsFrom(launch.error), ...clientErrors };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!period.startDate) found.startDate = "Choose the first day.";
    if (!period.endDate) found.endDate = "Choose the last day.";
    else if (period.startDate && period.startDate > period.endDate) found.endDate = "The last day must not be before the first.";
    setClientErrors(found);
    if (Object.keys(found).length > 0) return;
    launch.mutate({ type, params: { startDate: period.startDate, endDate: period.endDate } });
  }

  const dateField = (key: "startDate" | "endDate", id: string, label: string) => (
    <div>
      <Label htmlFor={id}>{label}</Label>
      <TextInput
        id={id}
        type="date"
        required
        className="mt-1.5"
        value={period[key]}
        onChange={(event) => {
          setPeriod((current) => ({ ...current, [key]: event.target.value }));
          setClientErrors(({ [key]: _cleared, ...rest }) => rest);
        }}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `${id}-error` : undefined}
      />
      {errors[key] ? (
        <HelpText id={`${id}-error`} tone="error">
          {errors[key]}
        </HelpText>
      ) : null}
    </div>
  );

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="New report">
      <div>
        <Label htmlFor={ids.type}>Report</Label>
        <Select id={ids.type} className="mt-1.5 w-full" value={type} onChange={(event) => setType(event.target.value as AnalyticsType)} aria-describedby={`${ids.type}-help`}>
          {ANALYTICS_TYPES.map((key) => (
            <option key={key} value={key}>
              {REPORT_LABELS[key].label}
            </option>
          ))}
        </Select>
        <HelpText id={`${ids.type}-help`}>{errors.type ?? REPORT_LABELS[type].hint}</HelpText>
      </div>
      <div className="grid grid-cols-2 gap-3">
        {dateField("startDate", ids.start, "From")}
        {dateField("endDate", ids.end, "To (inclusive)")}
      </div>
      {launch.isError && Object.keys(fieldErrorsFrom(launch.error)).length === 0 ? (
        <Alert tone="error" title="Could not launch the report">
          {errorMessage(launch.error)}
        </Alert>
      ) : null}
      <Button type="submit" disabled={launch.isPending}>
        {launch.isPending ? "Launching…" : "Run report"}
      </Button>
    </form>
  );
}
