import type { Metadata } from "next";
import { AppShell } from "@/components/app-shell";
import { PageHeader } from "@/components/page-header";
import { QueueDashboard } from "@/components/queues/queue-dashboard";
import { requireAdmin } from "@/lib/auth/session";

// Per-user pages: never prerendered at build time (that would also need the auth secret then).
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Queues" };

export default async function QueuesPage() {
  const user = await requireAdmin("/queues");
  return (
    <AppShell user={user}>
      <PageHeader title="Queues" description="Live counts of every background-job queue, the workers serving them and the health of the services behind them." />
      <QueueDashboard />
    </AppShell>
  );
}
