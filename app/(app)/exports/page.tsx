import type { Metadata } from "next";
import { ExportList } from "@/components/exports/export-list";
import { PageHeader } from "@/components/page-header";
import { RunWorkbench } from "@/components/runs/run-workbench";
import { Card, CardHeader } from "@/components/ui/card";

export const metadata: Metadata = { title: "Exports" };

export default async function ExportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { job } = await searchParams;
  const jobId = typeof job === "string" && job.length > 0 && job.length <= 200 ? job : null;
  return (
    <>
      <PageHeader
        title="Exports"
        description="Take products, sales, forecasts or stock out as CSV, Excel, JSON or a PDF report. Files are yours alone and kept for 3 days."
      />
      <div className="space-y-6">
        <RunWorkbench queue="export" initialJobId={jobId} />
        <Card aria-labelledby="export-files-title">
          <CardHeader titleId="export-files-title" title="Your files" description="Every export you ran, with its download until the file expires." />
          <ExportList />
        </Card>
      </div>
    </>
  );
}
