import type { Metadata } from "next";
import { Suspense } from "react";
import { AppShell } from "@/components/app-shell";
import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/page-header";
import { requireAdmin } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const user = await requireAdmin("/audit");
  return (
    <AppShell user={user}>
      <PageHeader title="Audit log" description="Every admin action on the queues and jobs: who did what, when, to which target and how many jobs it touched." />
      <Suspense>
        <AuditLog />
      </Suspense>
    </AppShell>
  );
}
