import type { JobResult } from "../api/types";
import { formatDateTime } from "../format";
import { Card, CardBody } from "../ui/card";
import { formatBytes } from "./export-options";

/** A finished export: its file, what is in it, until when it can be downloaded. */
export function ExportResult({ result }: { result: JobResult<"export"> }) {
  return (
    <Card>
      <CardBody className="space-y-3">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-500 dark:text-slate-400">File</dt>
            <dd className="font-medium break-all text-slate-900 dark:text-slate-100">{result.fileName}</dd>
          </div>
          <div>
            <dt className="text-slate-500 dark:text-slate-400">Rows</dt>
            <dd className="font-medium text-slate-900 tabular-nums dark:text-slate-100">{result.rows.toLocaleString("en-US")}</dd>
          </div>
          <div>
            <dt className="text-slate-500 dark:text-slate-400">Size</dt>
            <dd className="font-medium text-slate-900 tabular-nums dark:text-slate-100">{formatBytes(result.bytes)}</dd>
          </div>
          <div>
            <dt className="text-slate-500 dark:text-slate-400">Available until</dt>
            <dd className="font-medium text-slate-900 dark:text-slate-100">{formatDateTime(result.expiresAt)}</dd>
          </div>
        </dl>
        <a
          href={result.downloadUrl}
          download={result.fileName}
          className="inline-flex items-center rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          Download {result.fileName}
        </a>
      </CardBody>
    </Card>
  );
}
