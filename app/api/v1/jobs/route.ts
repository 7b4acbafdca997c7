import { keysetCursorParam } from "@/lib/api/keyset-cursor";
import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { queueKey } from "@/lib/api/params";
import { listRunsPage, RUN_STATE_FILTERS } from "@/lib/jobs/job-status";
import { ownScope } from "@/lib/organizations/scope";

export const dynamic = "force-dynamic";

const query = z.object({
  queue: queueKey.optional(),
  state: z.enum(RUN_STATE_FILTERS, { error: `must be one of ${RUN_STATE_FILTERS.join(", ")}` }).optional(),
  businessKey: z.string().max(200).optional(),
  /** Admins see everyone's runs unless they ask for their own. */
  mine: z.enum(["0", "1"]).optional(),
  /** Admins: one organisation's runs (id or slug). */
  organization: organizationParam.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** nextCursor of the previous page. */
  cursor: keysetCursorParam.optional(),
});

// GET /api/v1/jobs?queue=&state=&businessKey=&mine=&organization=&cursor=&limit= — runs from the ledger, newest first, with subjects, ETAs and a cursor (planners: their own)
export const GET = apiRoute({
  auth: "user",
  query,
  doc: {
    summary: "Runs from the ledger, newest first, with subjects, ETAs and a cursor",
    description: "Planners see their own runs; admins everyone's unless `mine=1`.",
  },
}, async ({ query, principal }) => {
  const ownOnly = principal.role !== "ADMIN" || query.mine === "1";
  return listRunsPage({
    ownerId: ownOnly ? principal.id : undefined,
    organizationId: await readScope(principal, query.organization),
    queue: query.queue,
    state: query.state,
    businessKey: query.businessKey,
    after: query.cursor,
    take: query.limit,
    subjectOrganizationId: ownScope(principal),
  });
});
