import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { queueKey } from "@/lib/api/params";
import { listRecentRuns } from "@/lib/jobs/job-status";

export const dynamic = "force-dynamic";

const query = z.object({
  queue: queueKey.optional(),
  businessKey: z.string().max(200).optional(),
  /** Admins see everyone's runs unless they ask for their own. */
  mine: z.enum(["0", "1"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

// GET /api/v1/jobs — recent runs from the ledger (planners: their own)
export const GET = apiRoute({ auth: "user", query }, async ({ query, principal }) => {
  const ownOnly = principal.role !== "ADMIN" || query.mine === "1";
  const jobs = await listRecentRuns({
    ownerId: ownOnly ? principal.id : undefined,
    queue: query.queue,
    businessKey: query.businessKey,
    take: query.limit,
  });
  return { jobs };
});
