import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { QueueDashboard } from "@/components/queues/queue-dashboard";

export const metadata: Metadata = { title: "Queues" };

export default function QueuesPage() {
  return (
    <>
      <PageHeader
        title="Queues"
        description="Live counts, throughput and latency of every background-job queue, the workers serving them and the services behind them."
        actions={
          // bull-board is mounted by a route handler, not a Next page: a plain link, full page load.
          <a
            href="/admin/queues"
            className="inline-flex h-10 items-center gap-2 rounded-md bg-white px-4 text-sm font-medium text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-700"
          >
            Open bull-board
            <svg className="size-4" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
              <path d="M7 17 17 7M8 7h9v9" />
            </svg>
          </a>
        }
      />
      <QueueDashboard />
    </>
  );
}
