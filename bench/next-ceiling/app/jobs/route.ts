import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { queueDefinition } from "../../../../lib/jobs/catalog";
import { defaultJobOptions } from "../../../../lib/jobs/queue-manager";
import { createRedis } from "../../../../lib/redis";

export const dynamic = "force-dynamic";

/**
 * The least a Next route handler can do per job: read the JSON body and add one BullMQ job with the
 * app's forecast job options, under a UUID as the app does. No auth, no validation, no ledger.
 * Env: REDIS_URL, REDIS_PREFIX (the bench's Next-ceiling prefix).
 */
const globals = globalThis as unknown as { __benchCeilingQueue?: Queue };

function queue(): Queue {
  if (!globals.__benchCeilingQueue) {
    const created = new Queue(queueDefinition("forecast").name, {
      connection: createRedis("producer", process.env.REDIS_URL ?? "redis://127.0.0.1:6379"),
      prefix: process.env.REDIS_PREFIX,
      defaultJobOptions: defaultJobOptions("forecast"),
    });
    created.on("error", () => {});
    globals.__benchCeilingQueue = created;
  }
  return globals.__benchCeilingQueue;
}

// POST /jobs — one queue.add per request (bench only)
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json()) as { data?: unknown };
  const job = await queue().add("x", body.data ?? {}, { jobId: randomUUID() });
  return Response.json({ jobId: job.id }, { status: 201 });
}

// GET /jobs — readiness probe for the bench
export function GET(): Response {
  return Response.json({ ok: true });
}
