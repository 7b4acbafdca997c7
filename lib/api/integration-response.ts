import type { IntegrationFailure } from "../integrations/integrations";
import { ApiError } from "./errors";

export const INTEGRATION_NOT_FOUND = "No integration with this id (a planner sees their organisation's only).";

/** An integration service's refusal as the API answers it. */
export function integrationError(failure: IntegrationFailure): ApiError {
  if (failure.code === "not-found") return new ApiError("not-found", INTEGRATION_NOT_FOUND);
  return new ApiError("unprocessable-entity", `Invalid body — ${failure.path}: ${failure.message}`, [{ path: failure.path, message: failure.message }]);
}

/** The origin the request reached us at, for the webhook URL when NEXTAUTH_URL is not set. */
export function requestOrigin(request: Request): string {
  return new URL(request.url).origin;
}
