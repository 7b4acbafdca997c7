import type { z } from "zod";
import type { ErrorCode } from "./errors";

/**
 * What the API's OpenAPI document says about one route beyond its schemas, declared next to the
 * handler in its `apiRoute` config. The wrapper's own config (auth, params, query, body, redis)
 * is read as it is, so the document cannot drift from what the route accepts; this adds only what
 * the config cannot show: the words, the success answers and the errors the handler itself raises.
 */
export interface RouteDoc {
  /** One line: what the operation does. */
  summary: string;
  /** More detail (Markdown), e.g. who sees what. */
  description?: string;
  /**
   * The group the operation is listed under.
   * @defaultValue the first path segment after /api/v1 (`/api/v1/queues/...` → `queues`)
   */
  tag?: string;
  /**
   * Success answers by status, as a description or with a content type other than JSON.
   * @defaultValue `{ 200: "OK" }`
   */
  responses?: Partial<Record<number, string | { description: string; contentType: string }>>;
  /**
   * Errors the handler answers itself, by code, with when. Those the wrapper answers (401, 403
   * for the role and cross-site requests, 404 for unknown path parameters, 400/413/422 for the
   * body and query, 503, 500) are derived from the config and need not be listed; a code listed
   * here as well adds its reason to the derived one.
   */
  errors?: Partial<Record<ErrorCode, string>>;
  /** Request headers the handler reads, with their schemas (e.g. Idempotency-Key). */
  headers?: Record<string, z.ZodType>;
}

const shownAs = new WeakMap<object, z.ZodType>();

/**
 * Input a route accepts loosely and checks itself (a bulk launch parses each job on its own, so
 * an error can name the job's index) is documented as the schema it is checked with: pass that
 * same schema here, so the document shows what the handler really applies.
 */
export function documentAs<T extends z.ZodType>(schema: T, checkedWith: z.ZodType): T {
  shownAs.set(schema, checkedWith);
  return schema;
}

/** The schema `documentAs` registered for this one, if any. */
export function documentedSchemaOf(schema: object): z.ZodType | undefined {
  return shownAs.get(schema);
}

/** A route that cannot go through `apiRoute` because it has credentials or a format of its own. */
export interface StandaloneRouteDoc extends RouteDoc {
  /** Its own credentials, as an OpenAPI security scheme (added to the document's), or none. */
  security: "public" | { name: string; scheme: { type: "http"; scheme: "bearer"; description: string } };
}

const standalone = new WeakMap<object, StandaloneRouteDoc>();

/**
 * Describes a handler that is not made with `apiRoute` (e.g. Prometheus metrics behind their own
 * token), so that it is in the OpenAPI document too; returns the handler unchanged.
 */
export function describedRoute<H extends (request: Request, ...rest: never[]) => unknown>(doc: StandaloneRouteDoc, handler: H): H {
  standalone.set(handler, doc);
  return handler;
}

export function standaloneDocOf(handler: unknown): StandaloneRouteDoc | undefined {
  return typeof handler === "function" ? standalone.get(handler) : undefined;
}
