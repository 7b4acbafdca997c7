import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { RunWorkbench } from "@/components/runs/run-workbench";

export const metadata: Metadata = { title: "Forecasts" };

export default async function ForecastsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { job } = await searchParams;
  const jobId = typeof job === "string" && job.length > 0 && job.length <= 200 ? job : null;
  return (
    <>
      <PageHeader
        title="Demand forecasts"
        description="Run a forecast for a product and follow it live. Each run fits several models, weights them by accuracy and saves the ensemble."
      />
      <RunWorkbench queue="forecast" initialJobId={jobId} />
    </>
  );
}
