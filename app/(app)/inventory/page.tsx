import type { Metadata } from "next";
import { ReorderTable } from "@/components/inventory/reorder-table";
import { PageHeader } from "@/components/page-header";
import { RunWorkbench } from "@/components/runs/run-workbench";
import { Card, CardHeader } from "@/components/ui/card";

export const metadata: Metadata = { title: "Inventory" };

export default async function InventoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { job } = await searchParams;
  const jobId = typeof job === "string" && job.length > 0 && job.length <= 200 ? job : null;
  return (
    <>
      <PageHeader
        title="Inventory"
        description="Run an optimisation for a product: EOQ, safety stock and reorder point per warehouse, and the allocation of central stock. Below, what to order this week across your products."
      />
      <RunWorkbench queue="optimization" initialJobId={jobId} />
      <Card aria-labelledby="reorder-title" className="mt-6">
        <CardHeader
          titleId="reorder-title"
          title="What to order this week"
          description="Each product's latest policy against today's stock on hand and open orders: order now when the inventory position is at or below the reorder point, or by the day it gets there within 7 days."
        />
        <ReorderTable />
      </Card>
    </>
  );
}
