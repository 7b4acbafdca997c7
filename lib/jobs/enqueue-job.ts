import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { queueDefinition, type QueueKey, type Role } from "./catalog";
import { createRun, deleteRun } from "./ledger";
import { queueManager as defaultQueueManager, type QueueManager } from "./queue-manager";

export interface EnqueueRequest {
  queue: QueueKey;
  name: string;
  data: unknown;
  priority?: number;
  delay?: number;
  owner: { id: string; role: Role; organizationId: string };
}

export type EnqueueResult =
  | { ok: true; jobId: string; queue: QueueKey; name: string; state: "waiting" | "delayed" }
  | { ok: false; code: "forbidden"; message: string }
  | { ok: false; code: "invalid-payload"; issues: z.core.$ZodIssue[] };

/**
 * Validates a payload against the catalogue, writes the ledger row, then adds the BullMQ job under
 * the same id. If Redis refuses the job the ledger row is removed again, so the ledger never
 * shows a run that no queue holds.
 */
export async function enqueueJob(
  request: EnqueueRequest,
  { db = defaultDb(), queues = defaultQueueManager() }: { db?: Db; queues?: QueueManager } = {},
): Promise<EnqueueResult> {
  const definition = queueDefinition(request.queue);
  if (!definition.enqueueRoles.includes(request.owner.role)) {
    return { ok: false, code: "forbidden", message: `Your role may not enqueue ${definition.label.toLowerCase()} jobs` };
  }
  const parsed = definition.payload.safeParse(request.data);
  if (!parsed.success) return { ok: false, code: "invalid-payload", issues: parsed.error.issues };

  const jobId = randomUUID();
  const delayed = (request.delay ?? 0) > 0;
  await createRun(
    {
      id: jobId,
      queue: request.queue,
      name: request.name,
      ownerId: request.owner.id,
      organizationId: request.owner.organizationId,
      businessKey: definition.subject?.id(parsed.data),
      data: parsed.data,
      priority: request.priority,
      delayed,
    },
    { db },
  );
  try {
    await queues.addJob(request.queue, request.name, { ...(parsed.data as object), ownerId: request.owner.id, organizationId: request.owner.organizationId }, {
      jobId,
      priority: request.priority,
      delay: request.delay,
    });
  } catch (error) {
    await deleteRun(jobId, { db }).catch(() => {});
    throw error;
  }
  return {
    ok: true,
    jobId,
    queue: request.queue,
    name: request.name,
    state: delayed ? "delayed" : "waiting",
  };
}
