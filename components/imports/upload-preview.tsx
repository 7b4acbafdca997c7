"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { queryKeys } from "@/lib/query-keys";
import { formatDateTime } from "../format";
import { formatBytes } from "../exports/export-options";
import { QueryError } from "../query-error";
import { Label, Select } from "../ui/field";
import { Skeleton } from "../ui/skeleton";
import { importApi, type DetectedFile, type UploadView } from "./import-api";
import { SheetGrid } from "./sheet-grid";

const FORMAT_LABELS: Record<DetectedFile["format"], string> = { csv: "CSV", tsv: "TSV (tab-separated)", xlsx: "Excel workbook (.xlsx)" };
const DELIMITER_LABELS: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

/** What the server found the file to be: format, encoding, delimiter, sheets. */
function detectedFacts(upload: UploadView): [string, string][] {
  const { detected } = upload;
  const facts: [string, string][] = [
    ["File", upload.name],
    ["Size", formatBytes(upload.size)],
    ["Format", FORMAT_LABELS[detected.format] ?? detected.format],
  ];
  if (detected.encoding) facts.push(["Encoding", detected.encoding]);
  if (detected.delimiter) facts.push(["Delimiter", DELIMITER_LABELS[detected.delimiter] ?? JSON.stringify(detected.delimiter)]);
  if (detected.format === "xlsx") facts.push(["Sheets", String(detected.sheets.length)]);
  facts.push(["Columns", String(detected.headers.length)], ["Kept until", formatDateTime(upload.expiresAt)]);
  return facts;
}

/** The first rows of an upload's sheet: read once, shared by the preview and the mapping (its columns, their first values). */
export function useUploadPreview(uploadId: string, sheet: string | null) {
  return useQuery({
    queryKey: queryKeys.imports.preview(uploadId, sheet),
    queryFn: ({ signal }) => importApi.preview(uploadId, sheet, { signal }),
    // An upload's content never changes.
    staleTime: Infinity,
  });
}

/** The uploaded file's detected format and its first rows, on the chosen sheet of a workbook. */
export function UploadPreview({ upload, sheet, onSheetChange }: { upload: UploadView; sheet: string | null; onSheetChange(sheet: string): void }) {
  const sheetId = useId();
  const preview = useUploadPreview(upload.uploadId, sheet);
  const sheets = upload.detected.sheets;

  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4" data-testid="detected-file">
        {detectedFacts(upload).map(([label, value]) => (
          <div key={label} className="min-w-0">
            <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
            <dd className="font-medium break-all text-slate-900 dark:text-slate-100">{value}</dd>
          </div>
        ))}
      </dl>
      {sheets.length > 1 ? (
        <div className="max-w-xs">
          <Label htmlFor={sheetId}>Sheet</Label>
          <Select id={sheetId} className="mt-1.5" value={sheet ?? sheets[0]} onChange={(event) => onSheetChange(event.target.value)}>
            {sheets.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </Select>
        </div>
      ) : null}
      <div className="overflow-hidden rounded-lg ring-1 ring-slate-200 dark:ring-slate-800">
        {preview.isError ? (
          <div className="p-4">
            <QueryError title="Could not read the file's first rows" query={preview} />
          </div>
        ) : !preview.data ? (
          <Skeleton className="m-4 h-32" />
        ) : preview.data.rows.length === 0 ? (
          <p className="px-5 py-6 text-sm text-slate-600 dark:text-slate-400">The file has column names but no rows.</p>
        ) : (
          <SheetGrid caption={`First ${preview.data.rows.length} rows of ${upload.name}`} headers={preview.data.headers} rows={preview.data.rows} />
        )}
      </div>
      {preview.data && preview.data.rows.length > 0 ? (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          The first {preview.data.rows.length} rows{preview.data.sheet ? ` of sheet “${preview.data.sheet}”` : ""}, as the file holds them; row 1 is the header.
        </p>
      ) : null}
    </div>
  );
}
