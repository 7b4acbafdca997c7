import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { listReports } from "@/lib/analytics/report-store";
import { ANALYTICS_TYPES } from "@/lib/jobs/catalog";

export const dynamic = "force-dynamic";

const query = z.object({
  type: z.enum(ANALYTICS_TYPES, { error: `must be one of ${ANALYTICS_TYPES.join(", ")}` }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Admins: one organisation's reports (id or slug); planners always get their own. */
  organization: organizationParam.optional(),
});

// GET /api/v1/reports?type=&limit=&organization= — recent analytics reports without their bodies, newest first (planners: their organisation's)
export const GET = apiRoute({ auth: "user", query, doc: { summary: "Recent analytics reports without their bodies, newest first (planners: their organisation's)" } }, async ({ query, principal }) => ({
  reports: await listReports({ type: query.type, limit: query.limit, organizationId: await readScope(principal, query.organization) }),
}));
