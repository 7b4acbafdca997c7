import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Audit log" };

export default function AuditPage() {
  return (
    <>
      <PageHeader title="Audit log" description="Every admin action on the queues and jobs: who did what, when, to which target and how many jobs it touched." />
      <Suspense>
        <AuditLog />
      </Suspense>
    </>
  );
}
