import { apiRoute } from "@/lib/api/handler";
import { receiveUpload } from "@/lib/uploads/receive-upload";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// POST /api/v1/uploads — store a CSV/TSV/XLSX file (multipart field "file") for an import; answers what was detected
export const POST = apiRoute({
  auth: "user",
  doc: {
    summary: "Upload a file to import",
    description:
      'multipart/form-data with the file in a field named "file", streamed to disk. The format (CSV, TSV, XLSX), text encoding, delimiter, sheets and header row are recognised from the content, never from the name. The upload belongs to the caller and their organisation, and expires with the import queue\'s retention.',
    responses: { 201: "The stored upload: { uploadId, filePath, name, size, detected: { format, encoding, delimiter, sheets, headers }, expiresAt }" },
    errors: {
      "payload-too-large": "The file is larger than UPLOAD_MAX_BYTES (100 MiB by default); nothing is kept.",
      "unsupported-media-type": "The body is not multipart/form-data, or the file is not CSV, TSV or XLSX (binary, truncated workbook, zip bomb…): the message says what is wrong.",
      "unprocessable-entity": 'The multipart body has no field "file".',
    },
  },
}, async ({ request, principal }) => {
  const upload = await receiveUpload(request, { id: principal.id, organizationId: principal.organizationId });
  return Response.json(upload, { status: 201 });
});
