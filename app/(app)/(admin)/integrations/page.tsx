import type { Metadata } from "next";
import { IntegrationsView } from "@/components/integrations/integrations-view";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Integrations" };

export default async function IntegrationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { job } = await searchParams;
  const jobId = typeof job === "string" && job.length > 0 && job.length <= 200 ? job : null;
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Pull orders and stock from your shop: orders become daily sales per SKU (so forecasts see them), inventory levels become stock on hand. Syncs run on a schedule, on the provider's webhooks, or when you press Sync now."
      />
      <IntegrationsView initialJobId={jobId} />
    </>
  );
}
