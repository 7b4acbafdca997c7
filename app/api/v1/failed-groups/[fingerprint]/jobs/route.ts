import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { decodeCursor, findFailureGroup, listGroupJobs } from "@/lib/failures/failure-groups";
import { fingerprintSchema } from "@/lib/bulk-actions/targets";

export const dynamic = "force-dynamic";

const params = z.object({ fingerprint: fingerprintSchema });
const query = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// GET /api/v1/failed-groups/:fingerprint/jobs?cursor=&limit= — a failure group and its jobs, newest first, by keyset (admin)
export const GET = apiRoute({ auth: "admin", params, query }, async ({ params, query }) => {
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (cursor === null) {
    throw new ApiError("unprocessable-entity", "Invalid query — query.cursor: not a cursor returned by this endpoint", [
      { path: "query.cursor", message: "not a cursor returned by this endpoint" },
    ]);
  }
  const [group, page] = await Promise.all([
    findFailureGroup(params.fingerprint),
    listGroupJobs(params.fingerprint, { cursor, limit: query.limit }),
  ]);
  return { fingerprint: params.fingerprint, group, ...page };
});
