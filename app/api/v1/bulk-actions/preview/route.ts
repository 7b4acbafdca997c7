import { apiRoute } from "@/lib/api/handler";
import { bulkRequestSchema, previewBulkAction, type BulkTarget } from "@/lib/bulk-actions/targets";
import { db } from "@/lib/db";
import { queueManager } from "@/lib/jobs/queue-manager";
import { sharedRedis } from "@/lib/redis";

export const dynamic = "force-dynamic";

// POST /api/v1/bulk-actions/preview { action, target: { fingerprint } | { jobIds } } — how many jobs an action would touch (admin)
export const POST = apiRoute({ auth: "admin", redis: true, body: bulkRequestSchema, doc: { summary: "How many jobs a bulk retry or removal would touch" } }, async ({ body }) => {
  return previewBulkAction(body.action, body.target as BulkTarget, { db: db(), queues: queueManager(), redis: sharedRedis("producer") });
});
