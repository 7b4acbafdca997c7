import { z } from "zod";

/** Every error an API route can answer with, and its HTTP status. */
export const ERROR_STATUS = {
  "bad-request": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  gone: 410,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  "unprocessable-entity": 422,
  "service-unavailable": 503,
  "internal-error": 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export interface ErrorDetail {
  path: string;
  message: string;
}

/** Longest piece of the caller's input an error quotes back. */
export const EXCERPT_LENGTH = 100;
/** Bounds of an error answer as a whole, whatever the input: a message, a detail, how many details. */
const MAX_MESSAGE_LENGTH = 300;
const MAX_DETAILS = 20;

/**
 * A value of the caller's input as an error may quote it: at most EXCERPT_LENGTH characters, with an
 * ellipsis when cut, so a megabyte field is not sent back in a megabyte error.
 */
export function excerpt(value: unknown, length = EXCERPT_LENGTH): string {
  const text = String(value);
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}

/** The JSON body of every error answer (`ApiError.toResponse`), as the OpenAPI document publishes it. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES).describe("Stable, machine-readable; the HTTP status follows from it"),
    message: z.string().describe("What is wrong, for people; quotes at most a short excerpt of the input"),
    details: z
      .array(z.object({ path: z.string().describe('Where, e.g. "body.data.horizon" or "query.limit"'), message: z.string() }))
      .describe("One entry per invalid field (validation errors); empty otherwise"),
  }),
});

export class ApiError extends Error {
  readonly details: ErrorDetail[];

  /**
   * The message and details are capped here too, as a safety net for messages that quote input
   * without `excerpt` (zod's own, e.g. an unrecognised key, quote what they were given).
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: ErrorDetail[] = [],
  ) {
    super(excerpt(message, MAX_MESSAGE_LENGTH));
    this.name = "ApiError";
    this.details = details
      .slice(0, MAX_DETAILS)
      .map((detail) => ({ path: excerpt(detail.path, MAX_MESSAGE_LENGTH), message: excerpt(detail.message, MAX_MESSAGE_LENGTH) }));
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
    path: [root, ...issue.path.map((key) => excerpt(String(key)))].filter(Boolean).join("."),
    message: issue.message,
  }));
}

export function validationError(where: string, issues: readonly z.core.$ZodIssue[], root?: string): ApiError {
  const details = zodDetails(issues, root);
  const first = details[0];
  const summary = first ? `${first.path || where}: ${first.message}` : "invalid input";
  return new ApiError("unprocessable-entity", `Invalid ${where} — ${summary}`, details);
}
