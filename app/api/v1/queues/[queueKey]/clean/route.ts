import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { cleanQueue } from "@/lib/jobs/queue-control";
import { CLEANABLE_STATES } from "@/lib/jobs/queue-manager";

export const dynamic = "force-dynamic";

const body = z.object({
  /** Only jobs older than this many milliseconds are removed. */
  grace: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(100_000).default(1000),
  type: z.enum(CLEANABLE_STATES).default("completed"),
});

// POST /api/v1/queues/:queueKey/clean — remove old jobs in one state (admin)
export const POST = apiRoute({
  auth: "admin",
  redis: true,
  params: queueParams,
  body,
  doc: {
    summary: "Remove old jobs in one state from a queue",
  },
}, async ({ params, body, principal }) =>
  cleanQueue(params.queueKey, body, principal),
);
