import type { z } from "zod";

/** Every error an API route can answer with, and its HTTP status. */
export const ERROR_STATUS = {
  "bad-request": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "unprocessable-entity": 422,
  "service-unavailable": 503,
  "internal-error": 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toResponse(): Response {
    return Response.json(
      { error: { code: this.code, message: this.message, details: this.details } },
      { status: this.status },
    );
  }
}

/** Anything with a path and a message: zod's issues, or the checks a service makes beyond its schema. */
export type Issue = Pick<z.core.$ZodIssue, "path" | "message">;

export function zodDetails(issues: readonly Issue[], root?: string): ErrorDetail[] {
  return issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].filter(Boolean).join("."),
    message: issue.message,
  }));
}

export function validationError(where: string, issues: readonly z.core.$ZodIssue[], root?: string): ApiError {
  const details = zodDetails(issues, root);
  const first = details[0];
  const summary = first ? `${first.path || where}: ${first.message}` : "invalid input";
  return new ApiError("unprocessable-entity", `Invalid ${where} — ${summary}`, details);
}
