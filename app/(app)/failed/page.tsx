import type { Metadata } from "next";
import { AppShell } from "@/components/app-shell";
import { FailureDesk } from "@/components/failed/failure-desk";
import { PageHeader } from "@/components/page-header";
import { requireAdmin } from "@/lib/auth/session";

// Per-user pages: never prerendered at build time (that would also need the auth secret then).
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Failed jobs" };

export default async function FailedJobsPage() {
  const user = await requireAdmin("/failed");
  return (
    <AppShell user={user}>
      <PageHeader
        title="Failed jobs"
        description="Jobs that failed for good, grouped by queue, job name and error. Open a group to retry or remove its jobs, a few or all of them; bulk actions run in the background."
      />
      <FailureDesk />
    </AppShell>
  );
}
