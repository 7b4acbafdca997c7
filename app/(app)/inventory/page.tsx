import type { Metadata } from "next";
import { BatchWorkbench } from "@/components/batches/batch-workbench";
import { ExportButtons } from "@/components/exports/export-button";
import { ReorderTable } from "@/components/inventory/reorder-table";
import { PageHeader } from "@/components/page-header";
import { RunWorkbench } from "@/components/runs/run-workbench";
import { Card, CardHeader } from "@/components/ui/card";

export const metadata: Metadata = { title: "Inventory" };

export default async function InventoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { job, batch } = await searchParams;
  const idParam = (value: string | string[] | undefined) => (typeof value === "string" && value.length > 0 && value.length <= 200 ? value : null);
  const jobId = idParam(job);
  return (
    <>
      <PageHeader
        title="Inventory"
        description="Run an optimisation for a product, a category or everything: EOQ, safety stock and reorder point per warehouse, and the allocation of central stock. Below, what to order this week across your products."
      />
      <RunWorkbench queue="optimization" initialJobId={jobId} />
      <div className="mt-8">
        <BatchWorkbench
          queue="optimization"
          title="Optimise many products"
          description="Each product of a category, or every product, with its own ordering cost, holding cost and service level, as one batch."
          noun="optimisation"
          initialBatchId={idParam(batch)}
        />
      </div>
      <Card aria-labelledby="reorder-title" className="mt-6">
        <CardHeader
          titleId="reorder-title"
          title="What to order this week"
          description="Each product's latest policy against today's stock on hand and open orders: order now when the inventory position is at or below the reorder point, or by the day it gets there within 7 days."
        />
        <div className="px-5 pb-3">
          <ExportButtons entity="optimizations" filters={{}} label="Export this list" />
        </div>
        <ReorderTable />
      </Card>
    </>
  );
}
