/**
 * The UI's view of the API's JSON. Types come from the server code where it already produces
 * JSON-shaped values, so a change on the server breaks the type check here instead of the page.
 */
import type { getReport, listReports } from "@/lib/analytics/report-store";
import type * as Reports from "@/lib/analytics/reports";
import type { getForecast } from "@/lib/forecasts/forecast-queries";
import type { QueueKey } from "@/lib/jobs/catalog";
import type { JobEventPayload } from "@/lib/realtime/events";
import type { JobStatus } from "@/lib/jobs/job-status";
import type { QueueOverview } from "@/lib/jobs/queue-overview";
import type { ProductSummary, getProductWithHistory } from "@/lib/products/product-queries";
import type { getProductOverview } from "@/lib/products/product-overview";
import type { getOptimization, listOptimizations, whatToOrder } from "@/lib/optimization/optimization-queries";
import type { SystemHealth } from "@/lib/health";
import type { JobDetails, TimelineEntry } from "@/lib/jobs/job-details";
import type { QueueJobRow, QueueJobsPage, QueueJobState } from "@/lib/jobs/list-queue-jobs";
import type { RunSearchPage, RunSearchRow } from "@/lib/jobs/search-runs";

export type { JobDetails, TimelineEntry, QueueJobRow, QueueJobsPage, QueueJobState, RunSearchPage, RunSearchRow };

export type { QueueKey, JobStatus, QueueOverview, ProductSummary, SystemHealth };
export type { MetricsSeries, MetricsPoint } from "@/lib/metrics/read-metrics";
export type { MetricsRange } from "@/lib/metrics/buckets";
export type { QueueLimits } from "@/lib/jobs/queue-limits";
export type { AuditEntry, AuditPage } from "@/lib/audit-queries";
export type { WorkerHeartbeat } from "@/lib/jobs/worker-registry";
export type { RedisHealth, RedisStats } from "@/lib/redis";

export type JobState = JobStatus["state"];

export type ForecastDetail = NonNullable<Awaited<ReturnType<typeof getForecast>>>;
export type ProductWithHistory = NonNullable<Awaited<ReturnType<typeof getProductWithHistory>>>;
/** GET /api/v1/products/:id/overview, /api/v1/optimizations(/:id), /api/v1/inventory/reorder. */
export type ProductOverview = NonNullable<Awaited<ReturnType<typeof getProductOverview>>>;
export type OptimizationDetail = NonNullable<Awaited<ReturnType<typeof getOptimization>>>;
export type OptimizationSummary = Awaited<ReturnType<typeof listOptimizations>>[number];
export type ReorderList = Awaited<ReturnType<typeof whatToOrder>>;
export type { ReorderLine } from "@/lib/inventory/reorder-list";
export type { SavedWarehouse } from "@/lib/optimization/optimization-queries";

/** Job data and results are the catalogue's own types (its zod schemas), never copies. */
export type { JobPayload, JobPayloadInput, JobResult, ForecastModel, ProgressStep } from "@/lib/jobs/catalog";

/** What both launch endpoints answer (POST /api/v1/forecasts, POST /api/v1/queues/:queue/jobs). */
export interface LaunchResponse {
  jobId: string;
  state: JobState;
}

/** What an SSE frame carries: the published payload without the owner. */
export type JobEventData = Omit<JobEventPayload, "ownerId">;

export type JobEventName = "job:progress" | "job:complete" | "job:failed";

export interface JobEvent extends JobEventData {
  event: JobEventName;
  /** The SSE id (Redis stream id). */
  id: string;
}

export const TERMINAL_STATES: readonly JobState[] = ["completed", "failed", "cancelled", "lost"];

export function isTerminal(state: JobState | undefined): boolean {
  return state !== undefined && TERMINAL_STATES.includes(state);
}

/** GET /api/v1/jobs: a page of runs with ETAs (lib/jobs/job-status.ts listRunsPage). */
export type { RunListItem, RunStateFilter } from "@/lib/jobs/job-status";
export type { RunEta } from "@/lib/jobs/run-eta";
export interface RunsPage {
  jobs: import("@/lib/jobs/job-status").RunListItem[];
  nextCursor: string | null;
}
/** GET /api/v1/notifications (lib/inbox/inbox.ts). */
export type { NotificationView, NotificationPage } from "@/lib/inbox/inbox";
export type { AlertsView, FiringAlertView } from "@/lib/alerts/alert-store";

export type { ExportFileView } from "@/lib/exports/export-store";
export type AnalyticsReportDetail = NonNullable<Awaited<ReturnType<typeof getReport>>>;
export type AnalyticsReportSummary = Awaited<ReturnType<typeof listReports>>[number];
export type { AnalyticsType } from "@/lib/jobs/catalog";
export type TurnoverReport = ReturnType<typeof Reports.inventoryTurnoverReport>;
export type GmroiReport = ReturnType<typeof Reports.gmroiReport>;
export type ServiceReport = ReturnType<typeof Reports.serviceReport>;
export type DaysOfSupplyReport = ReturnType<typeof Reports.daysOfSupplyReport>;
export type AbcReport = ReturnType<typeof Reports.abcReport>;
export type ForecastAccuracyReport = ReturnType<typeof Reports.forecastAccuracyReport>;
