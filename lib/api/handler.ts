import { z } from "zod";
import { authenticate, isSameOrigin, type Principal } from "../auth/principal";
import { isDatabaseUnavailableError } from "../db";
import { env } from "../env";
import { logger } from "../logger";
import { instrumentRequest } from "../observability/http";
import { healthCheck, isRedisUnavailableError, sharedRedis } from "../redis";
import { ApiError, validationError } from "./errors";
import type { RouteDoc } from "./route-doc";

export type Access = "public" | "user" | "admin";

export interface RouteConfig<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  /** public: anyone; user: any signed-in user or API key; admin: ADMIN only. */
  auth: Access;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * The route needs Redis (queues, workers, realtime). When the shared producer connection is not
   * up, it answers 503 within the health-check deadline instead of waiting on BullMQ, whose
   * queues wait for a first connection without any limit. Checked after the input is parsed, so
   * bad input still gets its 4xx.
   * @defaultValue false
   */
  redis?: boolean;
  /** The route in the OpenAPI document (lib/openapi): summary, success answers, its own errors. */
  doc?: RouteDoc;
  /**
   * Largest body this route reads, for a route whose bodies are large by nature (a bulk launch).
   * @defaultValue env API_MAX_BODY_BYTES
   */
  maxBodyBytes?: () => number;
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
  const run = async (request: Request, context?: RouteContext): Promise<Response> => {
    try {
      const principal = await resolvePrincipal(request, config.auth);
      const params = await parseParams(config.params, context);
      const query = parseQuery(config.query, request);
      const body = await parseBody(config.body, request, config.maxBodyBytes?.() ?? env().API_MAX_BODY_BYTES);
      if (config.redis) await requireRedis();
      const result = await handler({ request, principal, params, query, body } as RouteInput<P, Q, B, A>);
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
      return errorResponse(error, request);
    }
  };
  // Timed and traced as a whole, errors included (lib/observability); a direct call when neither is on.
  const route = (request: Request, context?: RouteContext) => instrumentRequest(request, context, () => run(request, context));
  routeConfigs.set(route, config);
  return route;
}

/** The config each handler was made from, read by the OpenAPI generator: routes are declared once. */
const routeConfigs = new WeakMap<object, RouteConfig>();

/** The `apiRoute` config behind an exported handler, or undefined when it was not made by `apiRoute`. */
export function routeConfigOf(handler: unknown): RouteConfig | undefined {
  return typeof handler === "function" ? routeConfigs.get(handler) : undefined;
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
  const raw = (await context?.params) ?? {};
  // A path that does not name an existing thing is "not found", not a validation error.
  if (nulPath(raw) !== null) throw new ApiError("not-found", "Not found");
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError("not-found", notFoundMessage(parsed.error.issues));
  return parsed.data;
}

function notFoundMessage(issues: z.core.$ZodIssue[]): string {
  const issue = issues[0];
  return issue ? `Unknown ${String(issue.path[0] ?? "resource")}: ${issue.message}` : "Not found";
}

function parseQuery(schema: z.ZodType | undefined, request: Request) {
  if (!schema) return undefined;
  const raw = Object.fromEntries(new URL(request.url).searchParams);
  rejectNul(raw, "query");
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError("query", parsed.error.issues, "query");
  return parsed.data;
}

async function parseBody(schema: z.ZodType | undefined, request: Request, limit: number) {
  if (!schema) return undefined;
  const text = await readBodyText(request, limit);
  let json: unknown = undefined;
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError("bad-request", "Request body is not valid JSON");
    }
  }
  rejectNul(json, "body");
  const parsed = schema.safeParse(json ?? {});
  if (!parsed.success) throw validationError("body", parsed.error.issues, "body");
  return parsed.data;
}

/**
 * The body as text, refused with 413 past `limit` bytes. Content-Length refuses an announced
 * oversize body before reading a byte, but the stream is still counted: the header can lie, and a
 * chunked body has none. Reading stops at the first chunk past the limit, so an endless or huge
 * body never sits in memory.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const tooLarge = () => new ApiError("payload-too-large", `Request body is larger than the ${formatBytes(limit)} limit`);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function formatBytes(bytes: number): string {
  if (bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, so a NUL anywhere in the input would surface as
 * a database error (a 500) long after validation. Refuse it up front, naming the field.
 */
function rejectNul(value: unknown, root: "query" | "body") {
  const path = nulPath(value);
  if (path === null) return;
  const where = [root, ...path].join(".");
  throw new ApiError("unprocessable-entity", `Invalid ${root} — ${where}: must not contain NUL characters`, [
    { path: where, message: "must not contain NUL characters" },
  ]);
}

type PathNode = { key: string; parent: PathNode | null } | null;

/** Path of the first string or key holding U+0000; iterative, so deeply nested JSON cannot blow the stack. */
function nulPath(value: unknown): string[] | null {
  const toArray = (node: PathNode): string[] => {
    const keys: string[] = [];
    for (let at = node; at; at = at.parent) keys.unshift(at.key);
    return keys;
  };
  const stack: [unknown, PathNode][] = [[value, null]];
  while (stack.length > 0) {
    const [current, node] = stack.pop()!;
    if (typeof current === "string") {
      if (current.includes("\u0000")) return toArray(node);
    } else if (current !== null && typeof current === "object") {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes("\u0000")) return [...toArray(node), key];
        stack.push([child, { key, parent: node }]);
      }
    }
  }
  return null;
}

const REDIS_UNAVAILABLE = "Redis is unavailable; the job system cannot be reached. Try again shortly.";

async function requireRedis(): Promise<void> {
  const client = sharedRedis("producer");
  if (client.status === "ready") return;
  // A connection attempt in flight (the first request after start) gets one bounded chance; a
  // client waiting to reconnect already knows Redis is away, so the answer is immediate.
  const connecting = client.status === "wait" || client.status === "connecting" || client.status === "connect";
  if (!connecting || !(await healthCheck(client)).healthy) throw new ApiError("service-unavailable", REDIS_UNAVAILABLE);
}

export function errorResponse(error: unknown, request?: Request): Response {
  if (error instanceof ApiError) return error.toResponse();
  if (isRedisUnavailableError(error)) return new ApiError("service-unavailable", REDIS_UNAVAILABLE).toResponse();
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
