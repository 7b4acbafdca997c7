import { readFileSync } from "node:fs";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ApiError, ERROR_STATUS, errorBodySchema, type ErrorCode } from "@/lib/api/errors";
import { apiRoute, routeConfigOf, type RouteConfig } from "@/lib/api/handler";
import { describedRoute, documentAs, standaloneDocOf, type StandaloneRouteDoc } from "@/lib/api/route-doc";
import { payloadJsonSchema, resultJsonSchema } from "@/lib/jobs/contract-schemas";
import { queueDefinitions } from "@/lib/jobs/catalog";
import { buildOpenApiDocument, HTTP_METHODS, inputJsonSchema, openApiDocument, type Operation } from "@/lib/openapi/document";
import { apiPathOf, apiRouteFiles, renderRouteModules, ROUTE_MODULES_PATH } from "@/lib/openapi/route-files";
import { GET as getOpenApi } from "@/app/api/v1/openapi.json/route";

const root = path.resolve(import.meta.dirname, "../..");
const files = apiRouteFiles(root);

/** Every exported HTTP handler of every route file on disk, with its config. */
async function routesOnDisk() {
  const routes: { file: string; path: string; method: string; config: RouteConfig | undefined; standalone: StandaloneRouteDoc | undefined }[] = [];
  for (const file of files) {
    const exports = (await import(path.join(root, file))) as Record<string, unknown>;
    for (const method of [...HTTP_METHODS, "HEAD", "OPTIONS"]) {
      if (exports[method] === undefined) continue;
      routes.push({ file, path: apiPathOf(file), method, config: routeConfigOf(exports[method]), standalone: standaloneDocOf(exports[method]) });
    }
  }
  return routes;
}

const operationOf = (document: Awaited<ReturnType<typeof openApiDocument>>, apiPath: string, method: string): Operation | undefined =>
  document.paths[apiPath]?.[method.toLowerCase() as "get"];

describe("the OpenAPI document and the routes", () => {
  it("is built from a registry that lists every route file under app/api (regenerate with npm run docs)", () => {
    expect(files.length).toBeGreaterThan(30);
    expect(readFileSync(path.join(root, ROUTE_MODULES_PATH), "utf8")).toBe(renderRouteModules(files));
  });

  it("documents every exported handler, with the route's own path parameters, query and body", async () => {
    const document = await openApiDocument();
    const routes = await routesOnDisk();
    for (const route of routes) {
      const where = `${route.method} ${route.path} (${route.file})`;
      const operation = operationOf(document, route.path, route.method);
      expect(operation, `${where} is missing from the document`).toBeDefined();
      if (route.standalone) {
        // Not parsed by the wrapper: it may take no path parameters the document could not describe.
        expect(route.path, where).not.toMatch(/\{/);
        expect(operation!.summary, where).toBe(route.standalone.summary);
        continue;
      }
      expect(route.config, `${where} is made neither with apiRoute nor with describedRoute`).toBeDefined();
      expect(route.config!.doc, `${where} has no doc in its apiRoute config`).toBeDefined();
      const config = route.config!;
      const byLocation = (location: string) => operation!.parameters.filter((parameter) => parameter.in === location);

      // The URL's [segments], the params schema's keys and the document's path parameters agree.
      const urlParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const schemaParams = config.params ? Object.keys((config.params as z.ZodObject).shape).sort() : [];
      expect(schemaParams, `${where}: params schema vs folder names`).toEqual(urlParams);
      expect(byLocation("path").map((parameter) => parameter.name).sort(), where).toEqual(urlParams);

      const query = config.query ? inputJsonSchema(config.query) : undefined;
      expect(
        byLocation("query").map(({ name, required, schema }) => ({ name, required, schema })),
        `${where}: query`,
      ).toEqual(Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, required: query?.required?.includes(name) ?? false, schema })));

      if (config.body) expect(operation!.requestBody?.content["application/json"].schema, `${where}: body`).toEqual(inputJsonSchema(config.body));
      else expect(operation!.requestBody, `${where}: has no body schema`).toBeUndefined();
      expect(operation!["x-access"], where).toBe(config.auth);
      if (config.auth !== "public") expect(operation!.security, where).not.toContainEqual({});
    }
    // And the other way round: nothing is documented that no route file exports.
    const documented = Object.entries(document.paths).flatMap(([apiPath, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${apiPath}`));
    expect(documented.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it("refuses to document a handler that is not made with apiRoute, or one without a doc", async () => {
    const plain = async () => new Response("hi");
    await expect(buildOpenApiDocument([{ path: "/api/v1/plain", load: async () => ({ GET: plain }) }])).rejects.toThrow(/GET \/api\/v1\/plain is not made with apiRoute .* nor described/);
    const undocumented = apiRoute({ auth: "user" }, async () => ({}));
    await expect(buildOpenApiDocument([{ path: "/api/v1/bare", load: async () => ({ POST: undocumented }) }])).rejects.toThrow(/POST \/api\/v1\/bare: its apiRoute config has no `doc`/);
  });

  it("shows loosely parsed input as the schema the handler checks it with, and describes routes with credentials of their own", async () => {
    const item = z.object({ name: z.string().max(10), count: z.number().int().min(1) });
    const bulk = apiRoute({ auth: "user", body: z.object({ items: z.array(documentAs(z.unknown(), item)) }), doc: { summary: "Bulk" } }, async () => ({}));
    const metrics = describedRoute(
      {
        summary: "Metrics",
        security: { name: "metricsToken", scheme: { type: "http", scheme: "bearer", description: "METRICS_TOKEN" } },
        responses: { 200: { description: "Prometheus text", contentType: "text/plain; version=0.0.4" } },
        errors: { unauthorized: "No or a wrong token." },
      },
      async (_request: Request) => new Response("up 1"),
    );
    const document = await buildOpenApiDocument([
      { path: "/api/v1/things/bulk", load: async () => ({ POST: bulk }) },
      { path: "/api/metrics", load: async () => ({ GET: metrics }) },
    ]);
    const items = document.paths["/api/v1/things/bulk"]!.post!.requestBody!.content["application/json"].schema.properties!.items!;
    expect(items.items).toEqual(inputJsonSchema(item));
    const scrape = document.paths["/api/metrics"]!.get!;
    expect(scrape.security).toEqual([{ metricsToken: [] }]);
    expect(scrape["x-access"]).toBe("token");
    expect(Object.keys(scrape.responses["200"]!.content!)).toEqual(["text/plain; version=0.0.4"]);
    expect(scrape.responses["401"]!.description).toBe("`unauthorized`: No or a wrong token.");
    expect(document.components.securitySchemes.metricsToken).toMatchObject({ type: "http", scheme: "bearer" });
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const document = await openApiDocument();
    expect(document.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    // Every $ref points at a schema the document holds.
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
    for (const name of new Set(refs)) expect(document.components.schemas[name!], name).toBeDefined();
  });

  it("publishes each queue's job data and result from the catalogue, and the generic enqueue takes them by queue", async () => {
    const document = await openApiDocument();
    const definitions = queueDefinitions();
    expect(document["x-queues"].map((queue) => queue.key)).toEqual(definitions.map((definition) => definition.key));
    for (const [index, definition] of definitions.entries()) {
      const entry = document["x-queues"][index]!;
      const { $schema: _p, ...payload } = payloadJsonSchema(definition) as Record<string, unknown>;
      const { $schema: _r, ...result } = resultJsonSchema(definition) as Record<string, unknown>;
      expect(document.components.schemas[entry.payload.$ref.split("/").pop()!]).toMatchObject(payload);
      expect(document.components.schemas[entry.result.$ref.split("/").pop()!]).toMatchObject(result);
    }
    const enqueue = operationOf(document, "/api/v1/queues/{queueKey}/jobs", "POST")!;
    const data = enqueue.requestBody!.content["application/json"].schema.properties!.data as { anyOf: unknown[]; "x-payload-by-queue": Record<string, unknown> };
    expect(data.anyOf).toEqual(document["x-queues"].map((queue) => queue.payload));
    expect(data["x-payload-by-queue"].forecast).toEqual({ $ref: "#/components/schemas/ForecastJobData" });
    expect(enqueue.parameters.find((parameter) => parameter.name === "queueKey")!.schema.enum).toEqual(definitions.map((definition) => definition.key));
    expect(enqueue.parameters.find((parameter) => parameter.in === "header")?.name).toBe("idempotency-key");
    expect(Object.keys(enqueue.responses)).toEqual(expect.arrayContaining(["200", "201", "401", "403", "404", "409", "413", "422", "503"]));
  });

  it("describes errors with the shape ApiError really sends, under the status its code maps to", async () => {
    const document = await openApiDocument();
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      const response = new ApiError(code, "x".repeat(1000), [{ path: "body.a", message: "bad" }]).toResponse();
      expect(response.status).toBe(ERROR_STATUS[code]);
      expect(errorBodySchema.safeParse(await response.json()).success, code).toBe(true);
    }
    const errorSchema = document.components.schemas.Error!;
    expect(errorSchema.properties?.error?.properties?.code?.enum).toEqual(Object.keys(ERROR_STATUS));
    // An admin route's 403 and a route's own 409 are there, each pointing at the Error schema.
    const retry = operationOf(document, "/api/v1/queues/{queueKey}/jobs/{jobId}/retry", "POST")!;
    expect(retry.responses["409"]).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
    expect(retry.responses["409"]!.description).toMatch(/^`conflict`: .*has not failed/);
    const pause = operationOf(document, "/api/v1/queues/{queueKey}/pause", "POST")!;
    expect(pause.responses["403"]!.description).toMatch(/not an ADMIN/);
    expect(pause.description).toMatch(/ADMIN only/);
  });

  it("is served at GET /api/v1/openapi.json without credentials", async () => {
    const response = await getOpenApi(new Request("http://localhost/api/v1/openapi.json"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe("3.1.0");
    expect(body.paths["/api/v1/openapi.json"]).toBeDefined();
  });
});
