import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { RunWorkbench } from "@/components/runs/run-workbench";

export const metadata: Metadata = { title: "Analytics" };

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { job } = await searchParams;
  const jobId = typeof job === "string" && job.length > 0 && job.length <= 200 ? job : null;
  return (
    <>
      <PageHeader
        title="Inventory analytics"
        description="Run a report over a period and follow it live: turnover, ABC-XYZ, service level, days of supply, GMROI and forecast accuracy, computed from your organisation's sales and stock."
      />
      <RunWorkbench queue="analytics" initialJobId={jobId} />
    </>
  );
}
