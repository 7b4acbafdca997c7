import { z } from "zod";
import { authenticate, isSameOrigin, type Principal } from "../auth/principal";
import { isDatabaseUnavailableError } from "../db";
import { logger } from "../logger";
import { isRedisUnavailableError } from "../redis";
import { ApiError, validationError } from "./errors";

type Access = "public" | "user" | "admin";

interface RouteConfig<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  /** public: anyone; user: any signed-in user or API key; admin: ADMIN only. */
  auth: Access;
  params?: P;
  query?: Q;
  body?: B;
}

interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, A extends Access> {
  request: Request;
  principal: A extends "public" ? Principal | null : Principal;
  params: z.infer<P>;
  query: z.infer<Q>;
  body: z.infer<B>;
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The one wrapper every API route goes through: authentication and role, cross-site protection
 * for cookie sessions, zod parsing of params, query and body, and errors turned into JSON.
 */
export function apiRoute<
  A extends Access,
  P extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  B extends z.ZodType = z.ZodUnknown,
>(config: RouteConfig<P, Q, B> & { auth: A }, handler: (input: RouteInput<P, Q, B, A>) => Promise<unknown>) {
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    try {
      const principal = await resolvePrincipal(request, config.auth);
      const params = await parseParams(config.params, context);
      const query = parseQuery(config.query, request);
      const body = await parseBody(config.body, request);
      const result = await handler({ request, principal, params, query, body } as RouteInput<P, Q, B, A>);
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
      return errorResponse(error, request);
    }
  };
}

async function resolvePrincipal(request: Request, access: Access): Promise<Principal | null> {
  const outcome = await authenticate(request);
  if (!outcome.ok) {
    if (access === "public" && outcome.reason === "missing") return null;
    throw new ApiError("unauthorized", outcome.reason === "missing" ? "Sign in or send an API key" : "Invalid credentials");
  }
  const { principal } = outcome;
  if (principal.via === "session" && !SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
    throw new ApiError("forbidden", "Cross-site request refused");
  }
  if (access === "admin" && principal.role !== "ADMIN") throw new ApiError("forbidden", "This action needs the ADMIN role");
  return principal;
}

async function parseParams(schema: z.ZodType | undefined, context?: RouteContext) {
  if (!schema) return undefined;
  const parsed = schema.safeParse((await context?.params) ?? {});
  // A path that does not name an existing thing is "not found", not a validation error.
  if (!parsed.success) throw new ApiError("not-found", notFoundMessage(parsed.error.issues));
  return parsed.data;
}

function notFoundMessage(issues: z.core.$ZodIssue[]): string {
  const issue = issues[0];
  return issue ? `Unknown ${String(issue.path[0] ?? "resource")}: ${issue.message}` : "Not found";
}

function parseQuery(schema: z.ZodType | undefined, request: Request) {
  if (!schema) return undefined;
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw validationError("query", parsed.error.issues, "query");
  return parsed.data;
}

async function parseBody(schema: z.ZodType | undefined, request: Request) {
  if (!schema) return undefined;
  const text = await request.text();
  let json: unknown = undefined;
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError("bad-request", "Request body is not valid JSON");
    }
  }
  const parsed = schema.safeParse(json ?? {});
  if (!parsed.success) throw validationError("body", parsed.error.issues, "body");
  return parsed.data;
}

export function errorResponse(error: unknown, request?: Request): Response {
  if (error instanceof ApiError) return error.toResponse();
  if (isRedisUnavailableError(error)) {
    return new ApiError("service-unavailable", "Redis is unavailable; the job system cannot be reached. Try again shortly.").toResponse();
  }
  if (isDatabaseUnavailableError(error)) {
    return new ApiError("service-unavailable", "The database is unavailable. Try again shortly.").toResponse();
  }
  logger().error({ err: error, method: request?.method, url: request?.url }, "unhandled API error");
  return new ApiError("internal-error", "Something went wrong on our side").toResponse();
}

/** Path parameter schema for a queue key: an unknown queue answers 404. */
export function requireFound<T>(value: T | null | undefined, message: string): T {
  if (value === null || value === undefined) throw new ApiError("not-found", message);
  return value;
}
