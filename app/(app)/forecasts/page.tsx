import type { Metadata } from "next";
import { AppShell } from "@/components/app-shell";
import { ForecastWorkbench } from "@/components/forecasts/forecast-workbench";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";

// Per-user pages: never prerendered at build time (that would also need the auth secret then).
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Forecasts" };

export default async function ForecastsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { job } = await searchParams;
  const jobId = typeof job === "string" && job.length > 0 && job.length <= 200 ? job : null;
  const user = await requireUser(jobId ? `/forecasts?job=${encodeURIComponent(jobId)}` : "/forecasts");
  return (
    <AppShell user={user}>
      <PageHeader
        title="Demand forecasts"
        description="Run a forecast for a product and follow it live. Each run fits several models, weights them by accuracy and saves the ensemble."
      />
      <ForecastWorkbench initialJobId={jobId} />
    </AppShell>
  );
}
