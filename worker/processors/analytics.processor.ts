import { UnrecoverableError } from "bullmq";
import { KpiInputError } from "../../lib/analytics/kpis";
import { aggregateReport, buildReport, loadReportBase } from "../../lib/analytics/reports";
import { saveReport } from "../../lib/analytics/report-store";
import type { Processor } from "../processor";

/**
 * Loads the organisation's products and warehouses, aggregates its sales, stock and forecast
 * errors in PostgreSQL (lib/analytics/report-queries.ts), computes the report's KPIs
 * (lib/analytics/reports.ts) and saves the report keyed by the job.
 */
export const analyticsProcessor: Processor<"analytics"> = {
  async run(job, context) {
    const { type, params } = job.data;
    // The enqueue path checked params.organizationId against the caller and filled it in.
    const organizationId = params.organizationId ?? context.owner.organizationId;
    if (!organizationId) throw new UnrecoverableError("The report names no organisation, and its owner belongs to none");
    const scope = { organizationId, startDate: params.startDate, endDate: params.endDate, warehouseId: params.warehouseId, category: params.category };
    const inputError = (error: unknown) => (error instanceof KpiInputError ? new UnrecoverableError(`${type} report: ${error.message}`) : error);

    await context.step("loading");
    const base = await loadReportBase(context.db, type, scope).catch((error: unknown) => Promise.reject(inputError(error)));
    context.signal.throwIfAborted();

    await context.step("aggregating");
    const data = await aggregateReport({ db: context.db, signal: context.signal }, type, scope, params, base).catch((error: unknown) => Promise.reject(inputError(error)));

    await context.step("computing");
    let body: ReturnType<typeof buildReport>;
    try {
      body = buildReport({ type, scope, params, data });
    } catch (error) {
      throw inputError(error);
    }

    await context.step("saving");
    const reportId = await saveReport(context.db, { jobId: job.id, organizationId, type, startDate: params.startDate, endDate: params.endDate, params: { ...params, organizationId }, body });

    await context.step("done");
    return { success: true, reportId, type };
  },
};
