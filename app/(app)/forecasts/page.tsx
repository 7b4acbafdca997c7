import type { Metadata } from "next";
import { BatchWorkbench } from "@/components/batches/batch-workbench";
import { PageHeader } from "@/components/page-header";
import { RunWorkbench } from "@/components/runs/run-workbench";

export const metadata: Metadata = { title: "Forecasts" };

/** The horizon of a batch launched from this page: a month, the single form's default. */
const BATCH_DATA = { horizon: 30 };

function idParam(value: string | string[] | undefined): string | null {
  return typeof value === "string" && value.length > 0 && value.length <= 200 ? value : null;
}

export default async function ForecastsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { job, batch } = await searchParams;
  return (
    <>
      <PageHeader
        title="Demand forecasts"
        description="Run a forecast for a product and follow it live. Each run fits several models, weights them by accuracy and saves the ensemble."
      />
      <RunWorkbench queue="forecast" initialJobId={idParam(job)} />
      <div className="mt-8">
        <BatchWorkbench
          queue="forecast"
          data={BATCH_DATA}
          title="Forecast many products"
          description="A 30-day forecast for each product of a category, or for every product, as one batch."
          noun="forecast"
          initialBatchId={idParam(batch)}
        />
      </div>
    </>
  );
}
