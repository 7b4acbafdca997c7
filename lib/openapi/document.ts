import { z } from "zod";
import { jobDataSchema } from "../api/enqueue-response";
import { ERROR_STATUS, errorBodySchema, type ErrorCode } from "../api/errors";
import { routeConfigOf, type RouteConfig } from "../api/handler";
import { documentedSchemaOf, standaloneDocOf, type StandaloneRouteDoc } from "../api/route-doc";
import { env } from "../env";
import { queueDefinitions, type QueueDefinition } from "../jobs/catalog";
import { payloadJsonSchema, resultJsonSchema, type JsonSchema } from "../jobs/contract-schemas";

/**
 * The API's OpenAPI 3.1 document, generated from what the code already declares: each route's
 * `apiRoute` config (auth, params, query and body schemas, its `doc`) and the job catalogue's
 * payload and result schemas. Nothing here lists routes or schemas by hand, so the document
 * cannot say what the routes do not do (tests/api/openapi.test.ts checks both directions).
 */

/** A route file, loaded lazily so that building the document is the only thing that imports them all. */
export interface RouteModule {
  /** The OpenAPI path, e.g. `/api/v1/queues/{queueKey}/jobs`. */
  path: string;
  load(): Promise<Record<string, unknown>>;
}

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
const SAFE_METHODS: readonly HttpMethod[] = ["GET"];

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  content?: Record<string, { schema?: JsonSchema }>;
}

export interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  security: Record<string, string[]>[];
  /** Who may call: `public`, `user` (any signed-in user or API key), `admin`, or `token` (a route's own credentials). */
  "x-access": RouteConfig["auth"] | "token";
  parameters: Parameter[];
  requestBody?: { required: boolean; content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, ResponseObject>;
}

/** One queue of the job catalogue, for clients that launch jobs and for the human page. */
export interface QueueEntry {
  key: string;
  name: string;
  label: string;
  description: string;
  enqueueRoles: readonly string[];
  payload: { $ref: string };
  result: { $ref: string };
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  tags: { name: string }[];
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, Operation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, Record<string, string>>;
  };
  "x-queues": QueueEntry[];
}

const DIALECT = "https://json-schema.org/draft/2020-12/schema";
const ERROR_REF = { $ref: "#/components/schemas/Error" };

const pascal = (text: string) => text.replace(/(^|[^a-zA-Z0-9])([a-zA-Z0-9])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
const payloadName = (definition: QueueDefinition) => `${pascal(definition.key)}JobData`;
const resultName = (definition: QueueDefinition) => `${pascal(definition.key)}JobResult`;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Standalone JSON Schemas become embedded ones: the dialect is the document's. */
function embedded(schema: JsonSchema & { $schema?: string }): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/**
 * A route's zod schema as the caller writes the input (`io: "input"`: defaults optional, coercions
 * and transforms as their input). Job data is shown as the catalogue's payloads.
 */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  const definitions = queueDefinitions();
  const payloads = definitions.map((definition) => ref(payloadName(definition)));
  // Which payload applies depends on the path's queueKey, which JSON Schema cannot see: say so for clients.
  const byQueue = Object.fromEntries(definitions.map((definition) => [definition.key, ref(payloadName(definition))]));
  return embedded(
    z.toJSONSchema(schema, {
      io: "input",
      unrepresentable: "any",
      override: (context) => {
        const checkedWith = documentedSchemaOf(context.zodSchema);
        if (checkedWith) {
          for (const key of Object.keys(context.jsonSchema)) delete (context.jsonSchema as Record<string, unknown>)[key];
          Object.assign(context.jsonSchema, inputJsonSchema(checkedWith));
        }
        if (context.zodSchema === jobDataSchema) Object.assign(context.jsonSchema, { anyOf: payloads, "x-payload-by-queue": byQueue });
      },
    }) as JsonSchema,
  );
}

function securityOf(access: RouteConfig["auth"]) {
  const schemes = [{ sessionCookie: [] }, { apiKey: [] }];
  // An empty requirement makes credentials optional: a public route answers without them.
  return access === "public" ? [{}, ...schemes] : schemes;
}

function accessLine(access: RouteConfig["auth"]): string {
  if (access === "public") return "**Access:** public (no credentials needed).";
  if (access === "admin") return "**Access:** ADMIN only (session cookie or API key).";
  return "**Access:** any signed-in user or API key (ADMIN or PLANNER).";
}

function objectParameters(schema: z.ZodType, location: "path" | "query", where: string): Parameter[] {
  const json = inputJsonSchema(schema);
  if (json.type !== "object" || !json.properties) throw new Error(`${where}: the ${location} schema must be a z.object`);
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || (json.required?.includes(name) ?? false),
    ...(property.description ? { description: property.description } : {}),
    schema: property,
  }));
}

function headerParameters(headers: Record<string, z.ZodType>): Parameter[] {
  return Object.entries(headers).map(([name, schema]) => {
    const json = inputJsonSchema(schema);
    return {
      name,
      in: "header" as const,
      required: !schema.safeParse(undefined).success,
      ...(json.description ? { description: json.description } : {}),
      schema: json,
    };
  });
}

/** The errors the wrapper itself answers for this config, plus those the handler declares. */
function errorReasons(config: RouteConfig, method: HttpMethod): Map<ErrorCode, string[]> {
  const reasons = new Map<ErrorCode, string[]>();
  const add = (code: ErrorCode, reason: string) => reasons.set(code, [...(reasons.get(code) ?? []), reason]);
  if (config.body) add("bad-request", "The body is not valid JSON.");
  add("unauthorized", config.auth === "public" ? "Credentials were sent but are not valid." : "No session cookie or API key, or the credentials are not valid.");
  if (config.auth === "admin") add("forbidden", "The caller is not an ADMIN.");
  if (!SAFE_METHODS.includes(method)) add("forbidden", "A cookie-authenticated request from another site (cross-site request refused).");
  if (config.params) add("not-found", "A path parameter names nothing (an unknown queue, job or id).");
  if (config.body) add("payload-too-large", config.maxBodyBytes ? `The body is larger than ${config.maxBodyBytes()} bytes.` : `The body is larger than ${env().API_MAX_BODY_BYTES} bytes (API_MAX_BODY_BYTES).`);
  if (config.query) add("unprocessable-entity", "Invalid query: `details` names each parameter (`query.<name>`) and what is wrong.");
  if (config.body) add("unprocessable-entity", "Invalid body: `details` names each field (`body.<path>`) and what is wrong.");
  for (const [code, reason] of Object.entries(config.doc?.errors ?? {}) as [ErrorCode, string][]) add(code, reason);
  add("service-unavailable", config.redis ? "Redis or PostgreSQL is unavailable; try again shortly." : "PostgreSQL is unavailable; try again shortly.");
  add("internal-error", "An unexpected failure; the answer says nothing more.");
  return reasons;
}

function responsesOf(config: RouteConfig, method: HttpMethod): Record<string, ResponseObject> {
  const responses: Record<string, ResponseObject> = {};
  for (const [status, answer] of Object.entries(config.doc?.responses ?? { 200: "OK" })) {
    if (answer === undefined) continue;
    const { description, contentType } = typeof answer === "string" ? { description: answer, contentType: "application/json" } : answer;
    responses[status] = { description, content: { [contentType]: {} } };
  }
  for (const [code, reasons] of errorReasons(config, method)) {
    const status = String(ERROR_STATUS[code]);
    // A success answer the route declares for the same status (a health check's 503) is what it sends.
    if (responses[status]) continue;
    responses[status] = { description: `\`${code}\`: ${reasons.join(" ")}`, content: { "application/json": { schema: ERROR_REF } } };
  }
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
}

/** `post` + `/api/v1/queues/{queueKey}/jobs` → `postQueuesQueueKeyJobs`. */
function operationIdOf(method: HttpMethod, path: string): string {
  const words = path.replace(/^\/api(\/v1)?\//, "").split("/").map((segment) => pascal(segment.replace(/[{}]/g, "")));
  return `${method.toLowerCase()}${words.join("")}`;
}

function defaultTag(path: string): string {
  return path.replace(/^\/api(\/v1)?\//, "").split("/")[0]!;
}

/** One operation of the document, from the config of the handler exported as `method`. */
export function operationOf(method: HttpMethod, path: string, config: RouteConfig): Operation {
  const where = `${method} ${path}`;
  if (!config.doc) throw new Error(`${where}: its apiRoute config has no \`doc\` (summary, responses): add one next to the handler`);
  const description = [config.doc.description, accessLine(config.auth)].filter(Boolean).join("\n\n");
  const parameters = [
    ...(config.params ? objectParameters(config.params, "path", where) : []),
    ...(config.query ? objectParameters(config.query, "query", where) : []),
    ...headerParameters(config.doc.headers ?? {}),
  ];
  return {
    operationId: operationIdOf(method, path),
    tags: [config.doc.tag ?? defaultTag(path)],
    summary: config.doc.summary,
    description,
    security: securityOf(config.auth),
    "x-access": config.auth,
    parameters,
    ...(config.body
      ? {
          requestBody: {
            // The wrapper parses an empty body as {}: a body whose every field is optional may be left out.
            required: !config.body.safeParse({}).success,
            content: { "application/json": { schema: inputJsonSchema(config.body) } },
          },
        }
      : {}),
    responses: responsesOf(config, method),
  };
}

/**
 * An operation of a handler not made with `apiRoute`: its doc says everything, since no wrapper
 * answers errors for it; it takes no path, query or body schemas (the drift test holds it to that).
 */
export function standaloneOperationOf(method: HttpMethod, path: string, doc: StandaloneRouteDoc): Operation {
  const responses: Record<string, ResponseObject> = {};
  for (const [status, answer] of Object.entries(doc.responses ?? { 200: "OK" })) {
    if (answer === undefined) continue;
    const { description, contentType } = typeof answer === "string" ? { description: answer, contentType: "application/json" } : answer;
    responses[status] = { description, content: { [contentType]: {} } };
  }
  for (const [code, reason] of Object.entries(doc.errors ?? {}) as [ErrorCode, string][]) {
    responses[String(ERROR_STATUS[code])] ??= { description: `\`${code}\`: ${reason}`, content: { "application/json": { schema: ERROR_REF } } };
  }
  const security = doc.security === "public" ? [{}] : [{ [doc.security.name]: [] }];
  return {
    operationId: operationIdOf(method, path),
    tags: [doc.tag ?? defaultTag(path)],
    summary: doc.summary,
    description: [doc.description, doc.security === "public" ? "**Access:** public." : `**Access:** \`${doc.security.name}\` credentials of its own.`].filter(Boolean).join("\n\n"),
    security,
    "x-access": doc.security === "public" ? "public" : "token",
    parameters: headerParameters(doc.headers ?? {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

function queueComponents(): { schemas: Record<string, JsonSchema>; queues: QueueEntry[] } {
  const schemas: Record<string, JsonSchema> = {};
  const queues = queueDefinitions().map((definition) => {
    schemas[payloadName(definition)] = { title: `${definition.label}: job data`, ...embedded(payloadJsonSchema(definition)) };
    schemas[resultName(definition)] = { title: `${definition.label}: result`, ...embedded(resultJsonSchema(definition)) };
    return {
      key: definition.key,
      name: definition.name,
      label: definition.label,
      description: definition.description,
      enqueueRoles: definition.enqueueRoles,
      payload: ref(payloadName(definition)),
      result: ref(resultName(definition)),
    };
  });
  return { schemas, queues };
}

const DESCRIPTION = [
  "The REST API of the CapLiquify background-jobs system: launch and watch jobs, run the queues, read the ledger.",
  "**Authentication.** A browser session (the next-auth session cookie; mutating requests must come from the app's own origin) or an API key as `Authorization: Bearer <key>` (`npm run api-key:create`). Unauthenticated requests get 401, the wrong role 403.",
  "**Errors** are JSON of the `Error` schema: a stable `code`, a `message`, and `details` naming each invalid field.",
  "**Job data** of each queue is in the `x-queues` list and the `<Queue>JobData` / `<Queue>JobResult` schemas; the generic enqueue takes the payload of the queue named in its path.",
].join("\n\n");

/** The document for these route modules. Throws, naming the route, when a handler cannot be described. */
export async function buildOpenApiDocument(modules: readonly RouteModule[]): Promise<OpenApiDocument> {
  const paths: OpenApiDocument["paths"] = {};
  const tags = new Set<string>();
  const ownSchemes: OpenApiDocument["components"]["securitySchemes"] = {};
  for (const { path, load } of modules) {
    const exports = await load();
    for (const method of HTTP_METHODS) {
      if (exports[method] === undefined) continue;
      const config = routeConfigOf(exports[method]);
      const standalone = config ? undefined : standaloneDocOf(exports[method]);
      if (!config && !standalone) {
        throw new Error(`${method} ${path} is not made with apiRoute (lib/api/handler.ts) nor described with describedRoute (lib/api/route-doc.ts), so it cannot be documented`);
      }
      if (standalone && standalone.security !== "public") ownSchemes[standalone.security.name] = standalone.security.scheme;
      const operation = config ? operationOf(method, path, config) : standaloneOperationOf(method, path, standalone!);
      operation.tags.forEach((tag) => tags.add(tag));
      (paths[path] ??= {})[method.toLowerCase() as Lowercase<HttpMethod>] = operation;
    }
  }
  const { schemas, queues } = queueComponents();
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: DIALECT,
    info: { title: "CapLiquify jobs API", version: "v1", description: DESCRIPTION },
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: { title: "Error", ...embedded(z.toJSONSchema(errorBodySchema) as JsonSchema) }, ...schemas },
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "The browser session of a signed-in user (`__Secure-next-auth.session-token` over HTTPS). Mutating requests must be same-origin.",
        },
        apiKey: { type: "http", scheme: "bearer", description: "An API key: `Authorization: Bearer <key>`." },
        ...ownSchemes,
      },
    },
    "x-queues": queues,
  };
}

let cached: Promise<OpenApiDocument> | undefined;

/** The app's own document, built once per process from the generated route registry. */
export function openApiDocument(): Promise<OpenApiDocument> {
  cached ??= import("./route-modules").then(({ routeModules }) => buildOpenApiDocument(routeModules));
  // A failed build is not kept, so the next request tries again (and says why in the log).
  cached.catch(() => (cached = undefined));
  return cached;
}
