import { keysetCursorParam } from "@/lib/api/keyset-cursor";
import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { dateParam } from "@/lib/api/date-params";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { queueKey } from "@/lib/api/params";
import { RUN_STATE_FILTERS } from "@/lib/jobs/job-status";
import { searchRuns } from "@/lib/jobs/search-runs";

export const dynamic = "force-dynamic";

const query = z
  .object({
    q: z.string().trim().max(200, "must be at most 200 characters").optional(),
    queue: z.enum(queueKey.options, { error: `must be one of ${queueKey.options.join(", ")}` }).optional(),
    name: z.string().trim().min(1).max(100, "must be at most 100 characters").optional(),
    state: z.enum(RUN_STATE_FILTERS, { error: `must be one of ${RUN_STATE_FILTERS.join(", ")}` }).optional(),
    owner: z.string().trim().max(200, "must be at most 200 characters").optional(),
    /** One organisation's runs, by id or slug. */
    organization: organizationParam.optional(),
    /** Created on or after (a day means its start, UTC). */
    from: dateParam("start").optional(),
    /** Created on or before (a day means its last millisecond, UTC). */
    to: dateParam("end").optional(),
    cursor: keysetCursorParam.optional(),
    limit: z.coerce.number({ error: "must be a whole number from 1 to 100" }).int("must be a whole number from 1 to 100").min(1, "must be at least 1").max(100, "must be at most 100").default(25),
  })
  .refine((value) => !value.from || !value.to || value.from <= value.to, { path: ["to"], message: "must not be before from" });

// GET /api/v1/runs?q=&queue=&name=&state=&owner=&organization=&from=&to=&cursor=&limit= — search every queue's runs in the ledger, newest first (admin)
export const GET = apiRoute({ auth: "admin", query, doc: { summary: "Search every queue's runs in the ledger, newest first" } }, async ({ query, principal }) => {
  return searchRuns({
    organizationId: await readScope(principal, query.organization),
    q: query.q || undefined,
    queue: query.queue,
    name: query.name,
    state: query.state,
    owner: query.owner || undefined,
    from: query.from,
    to: query.to,
    after: query.cursor,
    limit: query.limit,
  });
});
