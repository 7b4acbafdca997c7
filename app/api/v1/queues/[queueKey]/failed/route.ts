import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { queueParams } from "@/lib/api/params";
import { queueManager } from "@/lib/jobs/queue-manager";

export const dynamic = "force-dynamic";

const query = z
  .object({
    start: z.coerce.number().int().min(0).default(0),
    end: z.coerce.number().int().min(0).default(9),
  })
  .refine((range) => range.end >= range.start, { message: "end must not be less than start", path: ["end"] })
  .refine((range) => range.end - range.start < 1000, { message: "at most 1000 jobs per page", path: ["end"] });

// GET /api/v1/queues/:queueKey/failed?start=0&end=10 — the dead-letter view, newest first (admin)
export const GET = apiRoute({
  auth: "admin",
  redis: true,
  params: queueParams,
  query,
  doc: {
    summary: "The dead-letter view: a queue's failed jobs, newest first",
  },
}, async ({ params, query }) => {
  const { total, jobs } = await queueManager().failedJobs(params.queueKey, query.start, query.end);
  return { queue: params.queueKey, start: query.start, end: query.end, total, jobs };
});
