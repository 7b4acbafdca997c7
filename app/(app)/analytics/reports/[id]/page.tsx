import type { Metadata } from "next";
import Link from "next/link";
import { SavedReport } from "@/components/analytics/report-view";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Analytics report" };

export default async function AnalyticsReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <PageHeader
        title="Analytics report"
        description={
          <>
            A saved report. <Link className="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href="/analytics">Run another</Link>.
          </>
        }
      />
      <SavedReport reportId={id} />
    </>
  );
}
