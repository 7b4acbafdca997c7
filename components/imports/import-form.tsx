"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { Card, CardHeader } from "../ui/card";
import type { UploadView } from "./import-api";
import { ImportSetup } from "./mapping-editor";
import { UploadDropZone } from "./upload-drop-zone";
import { UploadPreview } from "./upload-preview";

/**
 * A new import: upload a file, check what was detected and its first rows, map its columns, then
 * dry-run or import it. The file and mapping stay while runs come and go, so a dry run's report
 * can be read and the same mapping imported.
 */
export function ImportForm({ onLaunched }: { onLaunched(jobId: string): void }) {
  const [upload, setUpload] = useState<UploadView | null>(null);
  const [sheet, setSheet] = useState<string | null>(null);

  function onUploaded(next: UploadView) {
    setUpload(next);
    setSheet(next.detected.sheets[0] ?? null);
  }

  return (
    <div className="space-y-6">
      <Card aria-labelledby="import-file-title">
        <CardHeader
          titleId="import-file-title"
          title="1 · File"
          description={upload ? "What the file was found to be, and its first rows." : "CSV, TSV or Excel; nothing is imported until you say so."}
          actions={
            upload ? (
              <Button variant="secondary" size="sm" onClick={() => setUpload(null)}>
                Use another file
              </Button>
            ) : null
          }
        />
        <div className="px-5 py-5">{upload ? <UploadPreview upload={upload} sheet={sheet} onSheetChange={setSheet} /> : <UploadDropZone onUploaded={onUploaded} />}</div>
      </Card>
      {upload ? (
        <Card aria-labelledby="import-mapping-title">
          <CardHeader titleId="import-mapping-title" title="2 · Columns" description="What the file holds, and which field each of its columns fills." />
          <div className="px-5 py-5">
            <ImportSetup key={upload.uploadId} upload={upload} sheet={sheet} onLaunched={onLaunched} />
          </div>
        </Card>
      ) : null}
    </div>
  );
}
