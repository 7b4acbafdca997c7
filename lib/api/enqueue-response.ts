import { z } from "zod";
import type { EnqueueFailure, Enqueued } from "../jobs/enqueue-job";
import { MAX_IDEMPOTENCY_KEY_LENGTH } from "../jobs/idempotency";
import { ApiError, zodDetails } from "./errors";

/** The HTTP side of launching a job, shared by every endpoint that enqueues. */

export const idempotencyKeySchema = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(MAX_IDEMPOTENCY_KEY_LENGTH, `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);

export const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * A request's job data: any JSON here, validated against the queue's catalogue payload by
 * enqueueJob (so errors name `body.data.<field>`). The OpenAPI document shows this schema as the
 * catalogue's payloads (lib/openapi/document.ts recognises it), so a route declares it by using it.
 */
export const jobDataSchema = z.unknown().describe("The job data: the payload of the queue named in the path, as the job catalogue declares it");

export interface IdempotencyKey {
  key: string;
  /** Where it came from, for error details. */
  path: string;
}

/**
 * The launch's idempotency key: the `Idempotency-Key` header or a key from the body (already
 * parsed with `idempotencyKeySchema`); both may be sent when they agree.
 */
export function idempotencyKeyOf(request: Request, fromBody?: IdempotencyKey): IdempotencyKey | undefined {
  const header = request.headers.get(IDEMPOTENCY_HEADER);
  if (header === null) return fromBody;
  const path = `headers.${IDEMPOTENCY_HEADER}`;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) throw new ApiError("unprocessable-entity", `Invalid header — ${path}: ${parsed.error.issues[0]!.message}`, [{ path, message: parsed.error.issues[0]!.message }]);
  if (fromBody && fromBody.key !== parsed.data) {
    const message = "differs from the Idempotency-Key header; send one key";
    throw new ApiError("unprocessable-entity", `Invalid body — ${fromBody.path}: ${message}`, [{ path: fromBody.path, message }]);
  }
  return { key: parsed.data, path };
}

/** An enqueue failure as the API answers it; `root` is where the job data sits in the request (e.g. `body.data`). */
export function enqueueError(failure: EnqueueFailure, { root, idempotencyKey }: { root: string; idempotencyKey?: IdempotencyKey }): ApiError {
  switch (failure.code) {
    case "forbidden":
      return new ApiError("forbidden", failure.message);
    case "invalid-payload": {
      const details = zodDetails(failure.issues, root);
      return new ApiError("unprocessable-entity", `Invalid job data — ${details[0]?.path}: ${details[0]?.message}`, details);
    }
    case "idempotency-key-reused":
      return new ApiError("unprocessable-entity", failure.message, idempotencyKey ? [{ path: idempotencyKey.path, message: "already used for another request" }] : []);
    case "idempotency-key-in-progress":
      return new ApiError("conflict", failure.message);
  }
}

/**
 * 201 for a job added now; 200 with `deduplicated: true` when an existing job answers the launch
 * (the same idempotency key again, or an identical job still waiting or running).
 */
export function enqueuedResponse(result: Pick<Enqueued, "deduplicated">, body: Record<string, unknown>): Response {
  return Response.json({ ...body, deduplicated: result.deduplicated }, { status: result.deduplicated ? 200 : 201 });
}
