import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { db } from "@/lib/db";
import { importEntity } from "@/lib/imports/entities";
import { importSourceFile } from "@/lib/imports/import-source-file";
import { loadSavedMapping } from "@/lib/imports/import-store";
import { suggestMapping } from "@/lib/imports/mapping";
import { detectFile, UnsupportedFileError } from "@/lib/imports/source";
import { catalog, IMPORT_ENTITY_TYPES, MAX_ID_LENGTH } from "@/lib/jobs/catalog";
import { ownScope } from "@/lib/organizations/scope";
import { UPLOAD_FIRST } from "@/lib/uploads/uploaded-file";

export const dynamic = "force-dynamic";

const body = z
  .object({
    uploadId: z.string().trim().min(1).max(MAX_ID_LENGTH).optional(),
    filePath: z.string().trim().min(1).max(1_000).describe("The path the upload endpoint returned, instead of uploadId").optional(),
    entityType: z.enum(IMPORT_ENTITY_TYPES, { error: `entityType must be one of ${IMPORT_ENTITY_TYPES.join(", ")}` }),
    sheet: z.string().trim().min(1).max(MAX_ID_LENGTH).optional(),
  })
  .strict()
  .refine((value) => value.uploadId !== undefined || value.filePath !== undefined, { message: "give uploadId", path: ["uploadId"] });

// POST /api/v1/imports/mapping — the column mapping to propose for an upload: the organisation's saved one, or headers matched by name
export const POST = apiRoute({
  auth: "user",
  body,
  doc: {
    summary: "Propose a column mapping for an upload",
    description: `Answers \`{ mapping: { column: field }, source: "saved" | "matched", unmatchedColumns, missingRequired }\`. The mapping saved by the organisation's last import of this entity type wins when the file has all its columns; otherwise headers are matched to fields by name, label and common synonyms (case, spaces and punctuation ignored). Launch with ${catalog.import.name}'s job data \`mapping\`.`,
    errors: { "not-found": "No upload with this id in the caller's organisation.", "unprocessable-entity": "The file cannot be read (or has no such sheet)." },
  },
}, async ({ body, principal }) => {
  // An admin may look at any organisation's upload; the saved mapping is then that organisation's.
  const file = await importSourceFile(body, { scope: ownScope(principal), home: principal.organizationId, db: db() });
  if (!file) throw new ApiError("not-found", `No upload ${body.uploadId ?? body.filePath}: ${UPLOAD_FIRST}`);
  const detected = await detectFile(file.path, { sheet: body.sheet }).catch((error: unknown) => {
    if (error instanceof UnsupportedFileError) throw new ApiError("unprocessable-entity", `The upload cannot be read: ${error.message}`);
    throw error;
  });
  return suggestMapping(importEntity(body.entityType), detected.headers, await loadSavedMapping(file.organizationId, body.entityType));
});
