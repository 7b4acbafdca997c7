import type { Metadata } from "next";
import Link from "next/link";
import { ImportDetail } from "@/components/imports/import-detail";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Import report" };

export default async function ImportReportPage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await params;
  return (
    <>
      <PageHeader
        title="Import report"
        description={
          <>
            Every problem by row and column. <Link className="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href="/imports">Back to imports</Link>.
          </>
        }
      />
      <ImportDetail jobId={jobId} />
    </>
  );
}
