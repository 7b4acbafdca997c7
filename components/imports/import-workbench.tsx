"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { Card, CardHeader } from "../ui/card";
import type { UploadView } from "./import-api";
import { UploadDropZone } from "./upload-drop-zone";
import { UploadPreview } from "./upload-preview";

/**
 * The Imports page: upload a file, check what was detected and its first rows, map its columns,
 * dry-run and import it on the shared run panel, and look back at the organisation's imports.
 */
export function ImportWorkbench() {
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
    </div>
  );
}
