import { keysetCursorParam } from "@/lib/api/keyset-cursor";
import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { findFailureGroup, listGroupJobs } from "@/lib/failures/failure-groups";
import { fingerprintSchema } from "@/lib/bulk-actions/targets";

export const dynamic = "force-dynamic";

const params = z.object({ fingerprint: fingerprintSchema });
const query = z.object({
  cursor: keysetCursorParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Only one organisation's jobs of the group, by id or slug. */
  organization: organizationParam.optional(),
});

// GET /api/v1/failed-groups/:fingerprint/jobs?cursor=&limit=&organization= — a failure group and its jobs, newest first, by keyset (admin)
export const GET = apiRoute({
  auth: "admin",
  params,
  query,
  doc: {
    summary: "A failure group and its jobs, newest first, by keyset",
    tag: "failed-groups",
  },
}, async ({ params, query, principal }) => {
  const organizationId = await readScope(principal, query.organization);
  const [group, page] = await Promise.all([
    findFailureGroup(params.fingerprint, { organizationId }),
    listGroupJobs(params.fingerprint, { cursor: query.cursor, limit: query.limit, organizationId }),
  ]);
  return { fingerprint: params.fingerprint, group, ...page };
});
