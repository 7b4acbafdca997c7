import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { retryBatchFailures } from "@/lib/jobs/batches";

export const dynamic = "force-dynamic";

// POST /api/v1/batches/:id/retry — retry a batch's failed children (planners: their own batches)
export const POST = apiRoute(
  {
    auth: "user",
    redis: true,
    params: idParams,
    doc: {
      summary: "Retry a batch's failed children (planners: their own batches)",
      tag: "batches",
      description: "Each failed child is retried as `POST /api/v1/queues/:queueKey/jobs/:jobId/retry` would. Answers `{ retried, notRetried: [{ jobId, code }] }` (a child Redis no longer holds cannot be retried).",
      errors: { "not-found": "No such batch (for the caller)." },
    },
  },
  async ({ params, principal }) => {
    const result = await retryBatchFailures(params.id, principal);
    if (!result.ok) throw new ApiError("not-found", `No batch ${params.id}`);
    return { batchId: params.id, retried: result.retried, notRetried: result.notRetried };
  },
);
