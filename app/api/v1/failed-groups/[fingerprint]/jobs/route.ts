import { keysetCursorParam } from "@/lib/api/keyset-cursor";
import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { findFailureGroup, listGroupJobs } from "@/lib/failures/failure-groups";
import { fingerprintSchema } from "@/lib/bulk-actions/targets";

export const dynamic = "force-dynamic";

const params = z.object({ fingerprint: fingerprintSchema });
const query = z.object({
  cursor: keysetCursorParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// GET /api/v1/failed-groups/:fingerprint/jobs?cursor=&limit= — a failure group and its jobs, newest first, by keyset (admin)
export const GET = apiRoute({ auth: "admin", params, query }, async ({ params, query }) => {
  const [group, page] = await Promise.all([
    findFailureGroup(params.fingerprint),
    listGroupJobs(params.fingerprint, { cursor: query.cursor, limit: query.limit }),
  ]);
  return { fingerprint: params.fingerprint, group, ...page };
});
