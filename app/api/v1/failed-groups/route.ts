import { z } from "zod";
import { excerpt } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { queueKey } from "@/lib/api/params";
import { listFailureGroups } from "@/lib/failures/failure-groups";

export const dynamic = "force-dynamic";

const query = z.object({
  queue: z.enum(queueKey.options, { error: (issue) => `no queue named "${excerpt(issue.input)}"` }).optional(),
  q: z.string().trim().max(200, "must be at most 200 characters").optional(),
  /** One organisation's failures, by id or slug. */
  organization: organizationParam.optional(),
  sort: z.enum(["last", "count"], { error: () => "must be last or count" }).default("last"),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

// GET /api/v1/failed-groups?queue=&q=&organization=&sort=last|count — failed jobs grouped by failure fingerprint, within retention (admin)
export const GET = apiRoute({ auth: "admin", query, doc: { summary: "Failed jobs grouped by failure fingerprint, within retention" } }, async ({ query, principal }) => {
  const organizationId = await readScope(principal, query.organization);
  const result = await listFailureGroups({ queue: query.queue, q: query.q || undefined, organizationId, sort: query.sort, limit: query.limit });
  return { ...result, filter: { queue: query.queue ?? null, q: query.q ?? "", organization: organizationId ?? null, sort: query.sort } };
});
