import type { Metadata } from "next";
import { ImportWorkbench } from "@/components/imports/import-workbench";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Imports" };

export default function ImportsPage() {
  return (
    <>
      <PageHeader
        title="Imports"
        description="Bring products, sales history, stock levels, warehouses or lead times in from CSV or Excel. A dry run reports every problem by row and column before anything is written."
      />
      <ImportWorkbench />
    </>
  );
}
