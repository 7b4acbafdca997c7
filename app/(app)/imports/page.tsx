import type { Metadata } from "next";
import { ImportWorkbench } from "@/components/imports/import-workbench";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Imports" };

export default async function ImportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { job } = await searchParams;
  const jobId = typeof job === "string" && job.length > 0 && job.length <= 200 ? job : null;
  return (
    <>
      <PageHeader
        title="Imports"
        description="Bring products, sales history, stock levels, warehouses or lead times in from CSV or Excel. A dry run reports every problem by row and column before anything is written."
      />
      <ImportWorkbench initialJobId={jobId} />
    </>
  );
}
