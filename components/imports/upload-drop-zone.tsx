"use client";

import { useId, useRef, useState, type DragEvent } from "react";
import { ApiRequestError, errorMessage, type UploadProgress } from "../api/api-client";
import { formatBytes } from "../exports/export-options";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { cx } from "../ui/cx";
import { ProgressBar } from "../ui/progress-bar";
import { importApi, type UploadView } from "./import-api";

const ACCEPT = ".csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** What went wrong, in the words of what the user can do about it; the server's message says the detail. */
function failureTitle(error: unknown): string {
  if (!(error instanceof ApiRequestError)) return "The upload failed";
  if (error.status === 413) return "The file is too large";
  if (error.status === 415) return "This file is not a CSV, TSV or Excel workbook";
  if (error.status === 422) return "The file could not be read";
  return "The upload failed";
}

type Transfer = { file: File; progress: UploadProgress; abort: AbortController };

/** Drop a file or pick one; it is sent to the server (with its progress) and the stored upload reported back. */
export function UploadDropZone({ onUploaded }: { onUploaded(upload: UploadView): void }) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const [failure, setFailure] = useState<{ file: File | null; error: unknown } | null>(null);

  async function send(file: File) {
    const abort = new AbortController();
    setFailure(null);
    setTransfer({ file, progress: { loaded: 0, total: file.size }, abort });
    try {
      const upload = await importApi.upload(file, { signal: abort.signal, onProgress: (progress) => setTransfer((current) => (current && current.abort === abort ? { ...current, progress } : current)) });
      onUploaded(upload);
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "AbortError")) setFailure({ file, error });
    } finally {
      setTransfer((current) => (current?.abort === abort ? null : current));
      // The same file may be picked again after a failure; the input only fires on a change.
      if (input.current) input.current.value = "";
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    if (transfer) return;
    const files = event.dataTransfer.files;
    if (files.length !== 1) {
      setFailure({ file: null, error: new Error(files.length === 0 ? "Drop a file, not a folder or a link." : "Drop one file at a time.") });
      return;
    }
    void send(files[0]);
  }

  const percent = transfer && transfer.progress.total > 0 ? (transfer.progress.loaded / transfer.progress.total) * 100 : 0;

  return (
    <div className="space-y-4">
      <div
        data-testid="upload-drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = transfer ? "none" : "copy";
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={cx(
          "flex flex-col items-center justify-center gap-3 rounded-lg border-2 border-dashed px-6 py-10 text-center transition-colors focus-within:border-indigo-500 dark:focus-within:border-indigo-400",
          dragging ? "border-indigo-500 bg-indigo-50 dark:border-indigo-400 dark:bg-indigo-950/40" : "border-slate-300 dark:border-slate-700",
        )}
      >
        <svg className="size-8 text-slate-400" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
          <path d="M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2" />
        </svg>
        {transfer ? (
          <div className="w-full max-w-md space-y-2" aria-live="polite">
            <p className="text-sm font-medium text-slate-900 dark:text-slate-100">
              Uploading <span className="break-all">{transfer.file.name}</span>…
            </p>
            <ProgressBar value={percent} label="Upload progress" />
            <p className="text-xs text-slate-600 tabular-nums dark:text-slate-400">
              {formatBytes(transfer.progress.loaded)} of {formatBytes(transfer.progress.total)}
            </p>
            <Button variant="ghost" size="sm" onClick={() => transfer.abort.abort()}>
              Cancel upload
            </Button>
          </div>
        ) : (
          <>
            <p className="text-sm text-slate-700 dark:text-slate-300">
              Drop a CSV, TSV or Excel (.xlsx) file here, or{" "}
              <label htmlFor={inputId} className="cursor-pointer font-medium text-indigo-700 hover:underline focus-within:underline dark:text-indigo-400">
                choose one
              </label>
              .
            </p>
            <p className="text-xs text-slate-600 dark:text-slate-400">The format, encoding and delimiter are detected from the content; the first row holds the column names.</p>
          </>
        )}
        <input
          ref={input}
          id={inputId}
          type="file"
          accept={ACCEPT}
          aria-label="File to import"
          className="sr-only"
          disabled={Boolean(transfer)}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void send(file);
          }}
        />
      </div>
      {failure ? (
        <Alert tone="error" title={failureTitle(failure.error)}>
          <p>
            {failure.file ? (
              <>
                <span className="font-medium break-all">{failure.file.name}</span> ({formatBytes(failure.file.size)}):{" "}
              </>
            ) : null}
            {errorMessage(failure.error)}
          </p>
        </Alert>
      ) : null}
    </div>
  );
}
