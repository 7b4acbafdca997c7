import { z } from "zod";
import { PRIORITY, organizationIdSchema } from "../jobs/catalog";
import { batchScopeSchema } from "../jobs/batch-contract";
import type { BatchEnqueued, BatchFailure } from "../jobs/batches";
import { ApiError, zodDetails } from "./errors";

/** The HTTP side of batches, shared by the generic and the domain endpoints. */

/** What every batch launch takes beside its scope and data. */
export const batchOptionsSchema = z.object({
  priority: z.number().int().min(PRIORITY.min).max(PRIORITY.max).optional().describe("For every job of the batch"),
  organizationId: organizationIdSchema.describe("An admin's batch for another organisation; planners: their own (the default)").optional(),
});

export const batchLaunchSchema = batchOptionsSchema.extend({
  scope: batchScopeSchema.describe("The products: `{ productIds }`, `{ category }` or `{ all: true }` (the organisation's)"),
  data: z.record(z.string(), z.unknown()).default({}).describe("The job data every child shares: the queue's payload without its product field"),
});

/**
 * A batch launch's failure as the API answers it. Issues are at `scope.…` and `data.…`; `flat` is
 * for a domain endpoint that takes both at the body's top level (`body.productIds.3`).
 */
export function batchError(failure: BatchFailure, { flat = false }: { flat?: boolean } = {}): ApiError {
  switch (failure.code) {
    case "not-batchable":
      return new ApiError("not-found", failure.message);
    case "forbidden":
      return new ApiError("forbidden", failure.message);
    case "invalid-payload": {
      const issues = flat ? failure.issues.map((issue) => ({ ...issue, path: issue.path.slice(1) })) : failure.issues;
      const details = zodDetails(issues, "body");
      return new ApiError("unprocessable-entity", `Invalid batch — ${details[0]?.path}: ${details[0]?.message}`, details);
    }
    case "unconfirmed":
      return new ApiError("service-unavailable", `Redis did not confirm that it took the batch of ${failure.jobIds.length - 1} jobs; it may still run`);
  }
}

export function batchCreated(result: BatchEnqueued): Response {
  return Response.json({ batchId: result.batchId, queue: result.queue, children: result.children, href: `/api/v1/batches/${result.batchId}` }, { status: 201 });
}
