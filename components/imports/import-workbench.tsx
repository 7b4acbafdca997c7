"use client";

import Link from "next/link";
import { useRef, useState } from "react";
import { RunPanel } from "../runs/run-panel";
import { rememberJob } from "../runs/run-workbench";
import { Card, CardHeader } from "../ui/card";
import { importReportHref } from "./import-api";
import { ImportForm } from "./import-form";
import { ImportHistory } from "./import-history";

/**
 * The Imports page: the new import's steps at full width (a preview and a mapping need the room),
 * the run on the shared run panel under them, then the organisation's imports.
 */
export function ImportWorkbench({ initialJobId }: { initialJobId: string | null }) {
  const [jobId, setJobId] = useState<string | null>(initialJobId);
  const run = useRef<HTMLDivElement>(null);

  function select(next: string) {
    setJobId(next);
    rememberJob(next);
    run.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  return (
    <div className="space-y-6">
      <ImportForm onLaunched={select} />
      <div ref={run} className="scroll-mt-6">
        {/* Keyed by job so switching runs starts from that run's own state. */}
        {jobId ? (
          <div className="space-y-2">
            <RunPanel key={jobId} queue="import" jobId={jobId} />
            <p className="text-right text-sm">
              <Link href={importReportHref(jobId)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                Open this run&apos;s report page
              </Link>
            </p>
          </div>
        ) : null}
      </div>
      <Card aria-labelledby="import-history-title">
        <CardHeader titleId="import-history-title" title="Import history" description="Your organisation's imports and dry runs, newest first." />
        <ImportHistory selectedJobId={jobId} />
      </Card>
    </div>
  );
}
