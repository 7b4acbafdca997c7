import { apiRoute } from "@/lib/api/handler";
import { describeEntity, importEntities } from "@/lib/imports/entities";

export const dynamic = "force-dynamic";

// GET /api/v1/imports/entities — what a file can import: each entity type's fields and natural key
export const GET = apiRoute({
  auth: "user",
  doc: {
    summary: "The entity types a file can import, with their fields",
    description: "Each with its label, natural key (what a re-import updates by) and fields (label, whether required, what it holds).",
  },
}, async () => ({ entities: Object.values(importEntities).map(describeEntity) }));
