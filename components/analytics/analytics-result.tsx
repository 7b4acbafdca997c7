"use client";

import type { JobResult } from "../api/types";
import { Alert } from "../ui/alert";
import { SavedReport } from "./report-view";

/** A completed analytics run: the report it saved (the result only names it). */
export function AnalyticsResult({ result }: { result: JobResult<"analytics"> }) {
  if (typeof result.reportId !== "string") return <Alert tone="warning">The run completed but its result does not name a saved report.</Alert>;
  return <SavedReport reportId={result.reportId} />;
}
