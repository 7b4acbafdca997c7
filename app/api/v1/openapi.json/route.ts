import { apiRoute } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/openapi/document";

export const dynamic = "force-dynamic";

// GET /api/v1/openapi.json — this API's OpenAPI 3.1 document, generated from the route configs and the job catalogue (public)
export const GET = apiRoute(
  { auth: "public", doc: { summary: "This API's OpenAPI 3.1 document", tag: "meta", description: "Generated from the routes' own schemas and the job catalogue; read it as a page at /api-docs." } },
  async () => Response.json(await openApiDocument(), { headers: { "cache-control": "public, max-age=300" } }),
);
