import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { ANALYTICS_REPORTS, type AnalyticsType } from "../jobs/catalog";

export interface NewReport {
  jobId: string;
  organizationId: string;
  type: AnalyticsType;
  startDate: string;
  endDate: string;
  params: Record<string, unknown>;
  body: unknown;
}

/** Saves a report keyed by its job: a re-run replaces the job's earlier report (and keeps its id). */
export async function saveReport(db: Db, report: NewReport): Promise<string> {
  const { rows } = await sqlPool(db).query<{ id: string }>(
    `INSERT INTO "AnalyticsReport" ("id", "jobId", "organizationId", "type", "startDate", "endDate", "params", "body", "createdAt")
     VALUES (gen_random_uuid()::text, $1, $2, $3, $4::date, $5::date, $6, $7, (now() AT TIME ZONE 'UTC'))
     ON CONFLICT ("jobId") DO UPDATE SET
       "organizationId" = EXCLUDED."organizationId", "type" = EXCLUDED."type", "startDate" = EXCLUDED."startDate", "endDate" = EXCLUDED."endDate",
       "params" = EXCLUDED."params", "body" = EXCLUDED."body", "createdAt" = EXCLUDED."createdAt"
     RETURNING "id"`,
    [report.jobId, report.organizationId, report.type, report.startDate, report.endDate, JSON.stringify(report.params), JSON.stringify(report.body)],
  );
  return rows[0]!.id;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

function header(report: { id: string; jobId: string; organizationId: string; type: string; startDate: Date; endDate: Date; params: unknown; createdAt: Date }) {
  return {
    id: report.id,
    jobId: report.jobId,
    organizationId: report.organizationId,
    type: report.type,
    startDate: isoDay(report.startDate),
    endDate: isoDay(report.endDate),
    params: report.params,
    createdAt: report.createdAt.toISOString(),
  };
}

/** A saved report with its body and its type's definition; null when there is none, or it is another organisation's. */
export async function getReport(id: string, { organizationId }: { organizationId?: string } = {}, { db = defaultDb() }: { db?: Db } = {}) {
  const report = await db.analyticsReport.findFirst({ where: { id, organizationId } });
  if (!report) return null;
  return { ...header(report), definition: ANALYTICS_REPORTS[report.type as AnalyticsType] ?? null, body: report.body };
}

/** Recent reports without their bodies, newest first; within one organisation when `organizationId` is given. */
export async function listReports(
  { type, limit, organizationId }: { type?: AnalyticsType; limit: number; organizationId?: string },
  { db = defaultDb() }: { db?: Db } = {},
) {
  const reports = await db.analyticsReport.findMany({
    where: { type, organizationId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true, jobId: true, organizationId: true, type: true, startDate: true, endDate: true, params: true, createdAt: true },
  });
  return reports.map(header);
}
