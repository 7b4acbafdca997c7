import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { readQueueLimits, updateQueueLimits } from "@/lib/jobs/queue-limits";

export const dynamic = "force-dynamic";

const body = z
  .object({
    globalConcurrency: z
      .number({ error: "must be a whole number or null (no global cap)" })
      .int("must be a whole number")
      .min(1, "must be at least 1 (send null to remove the cap)")
      .max(10_000, "must be at most 10000")
      .nullable()
      .optional(),
    rateLimit: z
      .object({
        max: z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(1_000_000, "must be at most 1000000"),
        durationMs: z
          .number({ error: "must be a number" })
          .int("must be a whole number")
          .min(100, "must be at least 100 ms")
          .max(3_600_000, "must be at most 3600000 ms (1 h)"),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict()
  .refine((change) => change.globalConcurrency !== undefined || change.rateLimit !== undefined, {
    message: "send globalConcurrency and/or rateLimit",
  });

// GET /api/v1/queues/:queueKey/settings — global concurrency and rate limit in force (admin)
export const GET = apiRoute({ auth: "admin", redis: true, params: queueParams, doc: { summary: "A queue's global concurrency and rate limit in force" } }, async ({ params }) => ({
  queue: params.queueKey,
  limits: await readQueueLimits(params.queueKey),
}));

// PATCH /api/v1/queues/:queueKey/settings — change global concurrency / rate limit at runtime (admin)
export const PATCH = apiRoute({
  auth: "admin",
  redis: true,
  params: queueParams,
  body,
  doc: {
    summary: "Change a queue's global concurrency and/or rate limit at run time",
    errors: { "unprocessable-entity": "The rate limit cannot be applied as given." },
  },
}, async ({ params, body, principal }) => {
  const result = await updateQueueLimits(params.queueKey, body, principal);
  if (!result.ok) throw new ApiError("unprocessable-entity", result.message, [{ path: "body.rateLimit.durationMs", message: result.message }]);
  return { queue: result.queue, limits: result.limits };
});
