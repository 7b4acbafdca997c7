import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { getBatch } from "@/lib/jobs/batches";

export const dynamic = "force-dynamic";

const query = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  state: z.enum(["waiting", "active", "completed", "failed"]).optional().describe("Only the children in this state"),
});

// GET /api/v1/batches/:id — a batch: counts by state, roll-up, failed children with reasons, a page of children (planners: their own)
export const GET = apiRoute(
  {
    auth: "user",
    params: idParams,
    query,
    doc: {
      summary: "A batch's progress, roll-up and children (planners: their own)",
      description: "Counts of the children by state, the queue's roll-up over the completed ones (current: retried children count once they finish), the failed children with their reasons, and a page of children by id.",
      errors: { "not-found": "No such batch (for the caller)." },
    },
  },
  async ({ params, query, principal }) => {
    const batch = await getBatch(params.id, principal, query);
    if (!batch) throw new ApiError("not-found", `No batch ${params.id}`);
    return batch;
  },
);
