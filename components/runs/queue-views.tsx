import type { ComponentType } from "react";
import type { z } from "zod";
import { catalog } from "@/lib/jobs/catalog";
import { AnalyticsForm } from "../analytics/analytics-form";
import { AnalyticsResult } from "../analytics/analytics-result";
import { REPORT_LABELS, reportLabelFromJobName } from "../analytics/report-types";
import type { JobPayload, JobResult, QueueKey } from "../api/types";
import { ExportForm } from "../exports/export-form";
import { describeExportFilters, EXPORT_ENTITY_LABELS, EXPORT_FORMAT_LABELS } from "../exports/export-options";
import { ExportResult } from "../exports/export-result";
import { ImportForm } from "../imports/import-form";
import { describeImport, fileFromJobName } from "../imports/import-options";
import { ImportResultView } from "../imports/import-report";
import { ForecastForm } from "../forecasts/forecast-form";
import { ForecastResult } from "../forecasts/forecast-result";
import { modelLabel, skuFromJobName } from "../forecasts/models";
import { constraintFacts } from "../inventory/constraint-fields";
import { OptimizationForm, optimizationSubject } from "../inventory/optimization-form";
import { OptimizationResultView } from "../inventory/optimization-result";
import { DATA_TYPE_LABELS, syncTrigger } from "../integrations/integration-api";
import { SyncForm } from "../integrations/sync-form";
import { SyncResult } from "../integrations/sync-result";

/**
 * What a queue brings to its page; the rest (progress, steps, retry, cancel, recent runs, the
 * `?job=` link) is the shared run panel's, driven by the catalogue. A new queue's page is its
 * form, its result view and these few words.
 */
export interface QueueView<K extends QueueKey> {
  /** Launches a run and reports the new job's id. */
  Form: ComponentType<{ onLaunched(jobId: string): void }>;
  /** A completed run's outcome, from the result the catalogue declares. */
  Result: ComponentType<{ result: JobResult<K> }>;
  /** How the page names one run and several ("forecast", "forecasts"). */
  noun: { one: string; many: string };
  /** Under the form's title. */
  formDescription: string;
  /** What to do while no run is selected. */
  emptyHint: string;
  /** What a run is about, in a planner's words (a forecast's SKU). */
  subject(job: { name: string }): string;
  /** Facts from the job's data for the run's header; the recent-runs list shows the first. */
  facts(data: JobPayload<K>): string[];
}

/** The queues with a page of their own; shared run views take one of these keys. */
export const queueViews = {
  forecast: {
    Form: ForecastForm,
    Result: ForecastResult,
    noun: { one: "forecast", many: "forecasts" },
    formDescription: "Forecast a product's daily demand.",
    emptyHint: "Pick a product and run a forecast, or open one of your recent runs.",
    subject: (job) => skuFromJobName(job.name),
    facts: (data) => [`${data.horizon}-day horizon`, data.models[0] === "all" ? "All models" : data.models.map(modelLabel).join(", ")],
  },
  export: {
    Form: ExportForm,
    Result: ExportResult,
    noun: { one: "export", many: "exports" },
    formDescription: "Download your organisation's data as CSV, Excel, JSON or a PDF report.",
    emptyHint: "Choose the data and a format, or open one of your recent exports.",
    subject: (job) => job.name.replace(/^export:/, ""),
    facts: (data) => [`${EXPORT_ENTITY_LABELS[data.entity].label} as ${EXPORT_FORMAT_LABELS[data.format]}`, ...describeExportFilters(data.filters)],
  },
  import: {
    Form: ImportForm,
    Result: ImportResultView,
    noun: { one: "import", many: "imports" },
    formDescription: "Upload a CSV or Excel file, map its columns, dry-run it, then import it.",
    emptyHint: "Upload a file and run a dry run, or open one of the organisation's imports below.",
    subject: (job) => fileFromJobName(job.name),
    facts: describeImport,
  },
  optimization: {
    Form: OptimizationForm,
    Result: OptimizationResultView,
    noun: { one: "optimisation", many: "optimisations" },
    formDescription: "EOQ, safety stock and reorder point per warehouse, and the allocation of central stock.",
    emptyHint: "Pick a product and run an optimisation, or open one of your recent runs.",
    subject: optimizationSubject,
    facts: (data) => constraintFacts(data.constraints),
  },
  analytics: {
    Form: AnalyticsForm,
    Result: AnalyticsResult,
    noun: { one: "report", many: "reports" },
    formDescription: "Compute an inventory report over a period.",
    emptyHint: "Pick a report and a period and run it, or open one of your recent reports.",
    subject: (job) => reportLabelFromJobName(job.name),
    facts: (data) => [`${data.params.startDate} – ${data.params.endDate}`, REPORT_LABELS[data.type].label],
  },
  sync: {
    Form: SyncForm,
    Result: SyncResult,
    noun: { one: "sync", many: "syncs" },
    formDescription: "Pull orders and inventory levels from a connected system now.",
    emptyHint: "Press Sync now on an integration, or open one of your recent syncs.",
    subject: (job) => syncTrigger(job.name),
    facts: (data) => [data.dataTypes.map((type) => DATA_TYPE_LABELS[type]).join(" and "), data.force ? "Everything again" : "Changes since the last sync"],
  },
} satisfies Partial<{ [K in QueueKey]: QueueView<K> }>;

export type ViewedQueue = keyof typeof queueViews;

export function queueView<K extends ViewedQueue>(queue: K): QueueView<K> {
  // One entry per key, checked by `satisfies` above; TypeScript cannot follow K through the index.
  return queueViews[queue] as unknown as QueueView<K>;
}

/** A job's data as the catalogue reads it, or null for data it does not accept (an older shape). */
export function readPayload<K extends ViewedQueue>(queue: K, data: unknown): JobPayload<K> | null {
  const parsed = (catalog[queue].payload as unknown as z.ZodType<JobPayload<K>>).safeParse(data);
  return parsed.success ? parsed.data : null;
}
