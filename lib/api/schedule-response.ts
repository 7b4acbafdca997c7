import type { ScheduleFailure } from "../schedules/schedules";
import { ApiError } from "./errors";

/** A schedule service's refusal as the API answers it. */
export function scheduleError(failure: ScheduleFailure, id?: string): ApiError {
  switch (failure.code) {
    case "not-found":
      return new ApiError("not-found", `No schedule ${id ?? ""}`.trim());
    case "forbidden":
      return new ApiError("forbidden", failure.message);
    case "invalid":
      return new ApiError("unprocessable-entity", `Invalid schedule — ${failure.details[0]?.path}: ${failure.details[0]?.message}`, failure.details);
  }
}
