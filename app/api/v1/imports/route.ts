import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { listImports } from "@/lib/imports/import-store";

export const dynamic = "force-dynamic";

const query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** Admins: one organisation's imports (id or slug). */
  organization: organizationParam.optional(),
});

// GET /api/v1/imports?limit=&organization= — the organisation's imports, newest first (admins: everyone's)
export const GET = apiRoute({
  auth: "user",
  query,
  doc: {
    summary: "The organisation's imports, newest first (admins: everyone's, or one organisation's)",
    description: "Every run of the import queue with its state; the figures (total, valid, invalid, imported) once it has a report, null before.",
  },
}, async ({ query, principal }) => ({
  imports: await listImports({ organizationId: await readScope(principal, query.organization), limit: query.limit }),
}));
